import logging


class OneLine(logging.Formatter):
    """The exception's last line only: `RuntimeError: ...`."""

    def formatException(self, exc_info):
        return "%s: %s" % (exc_info[0].__name__, exc_info[1])

    def format(self, record):
        return super().format(record).replace("\n", " | ")
