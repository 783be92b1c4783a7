"""Builds options.json: every Gunicorn setting (20.1 to the newest release) with its flags,
section, default, a one-line summary and the releases that have it. A maintainer's tool:
    python3 source/explain/extract.py GUNICORN_GIT_DIR > source/explain/options.json
It reads each tag's gunicorn/config.py with ast (nothing of Gunicorn is run or copied)."""
import ast
import json
import re
import subprocess
import sys

FIRST = (20, 1, 0)


def tags(git):
    out = subprocess.run(["git", "--git-dir", git, "tag"], capture_output=True, text=True, check=True).stdout.split()
    versions = [t for t in out if re.fullmatch(r"\d+\.\d+\.\d+", t)]
    return sorted((t for t in versions if tuple(map(int, t.split("."))) >= FIRST), key=lambda t: tuple(map(int, t.split("."))))


def settings(source):
    tree = ast.parse(source)
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields = {}
        for item in node.body:
            if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                fields[item.targets[0].id] = item.value
        if "name" not in fields or not isinstance(fields["name"], ast.Constant) or fields["name"].value is None:
            continue
        found[fields["name"].value] = {key: ast.get_source_segment(source, value) for key, value in fields.items()}
        found[fields["name"].value]["_ast"] = fields
    return found


def literal(node):
    try:
        return ast.literal_eval(node)
    except Exception:
        return None


def summary(desc):
    text = (literal(desc) if desc is not None else "") or ""
    text = re.split(r"\n\s*\n|\n\s*\.\. ", text.strip())[0]  # the first paragraph, no directives
    text = re.sub(r"\s+", " ", text.strip())
    text = re.sub(r"``([^`]*)``", r"\1", text)
    text = re.sub(r":ref:`([^`<]*?)\s*(<[^>]*>)?`", r"\1", text)
    first = re.split(r"(?<=[.!?])\s(?=[A-Z(])", text, maxsplit=1)[0]
    return first


def default(fields):
    doc = fields.get("default_doc")
    if doc is not None and literal(doc) is not None:
        return re.sub(r"\s+", " ", re.sub(r"``", "", literal(doc))).strip()
    node = fields.get("default")
    if node is None:
        return None
    value = literal(node)
    if value is None and isinstance(node, ast.Constant):
        return "None"
    if value is None:
        return ast.unparse(node)
    return repr(value) if isinstance(value, str) else json.dumps(value) if not isinstance(value, (set, frozenset, tuple)) else ast.unparse(node)


def span(have, releases):
    """since: the first release with it (None: 20.1 already); until: the first without it (None: still there)."""
    out = {}
    if have[0] != releases[0]:
        out["since"] = have[0]
    if have[-1] != releases[-1]:
        out["until"] = releases[releases.index(have[-1]) + 1]
    return out


def since(releases, per, name, holds):
    """The first release from which on `holds` is true of the setting in every later release."""
    first = releases[-1]
    for tag in reversed(releases):
        raw = per[tag].get(name)
        if raw is None or not holds(raw):
            break
        first = tag
    return first


def main(git, debian_config="/usr/lib/python3/dist-packages/gunicorn/config.py"):
    releases = tags(git)
    per = {}
    for tag in releases:
        source = subprocess.run(["git", "--git-dir", git, "show", "%s:gunicorn/config.py" % tag], capture_output=True, text=True, check=True).stdout
        per[tag] = settings(source)
    per["20.1.0"] = settings(open(debian_config).read())  # the one installed here
    options = {}
    for tag in releases:
        for name, raw in per[tag].items():
            fields = raw["_ast"]
            entry = options.setdefault(name, {"name": name, "releases": []})
            entry["releases"].append(tag)
            for flag in literal(fields["cli"]) if "cli" in fields else []:
                entry.setdefault("flags", {}).setdefault(flag, []).append(tag)
            entry.update({
                "section": literal(fields.get("section")) or "",
                "meta": literal(fields.get("meta")) if "meta" in fields else None,
                "flag": literal(fields.get("action")) in ("store_true", "store_false", "store_const"),
                "default": default(fields),
                "summary": summary(fields.get("desc")),
            })
    out = []
    for entry in options.values():
        first_release = per[releases[0]].get(entry["name"])
        newest = per[releases[-1]].get(entry["name"])
        if first_release and newest:
            then, now = first_release["_ast"], newest["_ast"]
            # A default that changed since 20.1 (the code, not only its doc): 20.1's is said too.
            if "default" in then and "default" in now and first_release["default"] != newest["default"]:
                entry["default_first"] = default(then)
                entry["default_since"] = since(releases, per, entry["name"], lambda raw: raw.get("default") == newest["default"])
            # A flag that came to take an optional value (nargs "?"): since when.
            if literal(now.get("nargs")) == "?":
                entry["optional"] = True
                entry["bare"] = literal(now.get("const"))  # what it means without a value
                entry["value_since"] = since(releases, per, entry["name"], lambda raw: literal(raw["_ast"].get("nargs")) == "?")
        have = entry.pop("releases")
        first, last = have[0], have[-1]
        entry["since"] = None if first == releases[0] else first
        entry["until"] = None if last == releases[-1] else releases[releases.index(last) + 1]  # the release that removed it
        entry["cli"] = [{"flag": flag, **span(tags_, releases)} for flag, tags_ in entry.pop("flags", {}).items()]
        out.append(entry)
    json.dump({"releases": [releases[0], releases[-1]], "options": out}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
