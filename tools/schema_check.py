#!/usr/bin/env python3
"""Validate Assay statements against the JSON Schemas in Schemas/.

Usage:
    python3 tools/schema_check.py [--kind] [--schema NAME] FILE...

Each FILE is checked against Schemas/statement.schema.json (or Schemas/NAME with --schema,
e.g. --schema envelope.schema.json) with a JSON Schema draft 2020-12 validator. Every `$ref`
is resolved from the files in Schemas/; nothing is fetched from the network. One line is
printed per file:

    FILE<TAB>valid                      (with --kind: FILE<TAB>valid<TAB>KIND)
    FILE<TAB>invalid<TAB>MESSAGE

MESSAGE names the statement kind (when the document has one), the field as a JSON Pointer
and the rule broken. The exit status is 0 whatever the verdicts; it is 2 for a usage error
and 3 when the `jsonschema` package is missing.

Before the schema, each file is read as FORMAT.md §2 requires of a statement, as Assay does:
strict UTF-8 JSON (RFC 8259) with no duplicate member names, no NaN or Infinity, numbers
within double range, at most 262,144 bytes and at most 32 levels of nesting. These are
rules of the JSON text that a JSON Schema cannot state.

Works with jsonschema 4.10 (Debian bookworm's python3-jsonschema: RefResolver) and with
jsonschema 4.18 and later (the `referencing` library's Registry).
"""
import json
import math
import os
import re
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write("schema_check: the Python package jsonschema is missing: "
                     "install python3-jsonschema (apt) or jsonschema (pip)\n")
    sys.exit(3)

SCHEMA_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "Schemas"))
MAX_BYTES = 256 * 1024
MAX_DEPTH = 32


# --- reading a statement ---------------------------------------------------------------------

class DocumentError(Exception):
    """The file is not a JSON text Assay would parse."""


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise DocumentError("duplicate member name %s" % json.dumps(key))
        out[key] = value
    return out


def _finite_float(text):
    value = float(text)
    if math.isinf(value):
        raise DocumentError("number %s is out of range" % text[:40])
    return value


def _no_constant(name):
    raise DocumentError("%s is not JSON" % name)


def _depth(value, level=1):
    if isinstance(value, dict):
        children = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return 0
    if level > MAX_DEPTH:
        raise DocumentError("document nests deeper than %d levels" % MAX_DEPTH)
    for child in children:
        _depth(child, level + 1)
    return 0


def _check_surrogates(value):
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise DocumentError("string holds a lone surrogate escape")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_surrogates(k)
            _check_surrogates(v)
    elif isinstance(value, list):
        for v in value:
            _check_surrogates(v)


def read_statement(path):
    """Reads one file as a statement's JSON text; raises DocumentError or OSError."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) > MAX_BYTES:
        raise DocumentError("document is %d bytes, over the limit of %d" % (len(data), MAX_BYTES))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentError("document is not valid UTF-8")
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=_finite_float,
                           parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise DocumentError("malformed JSON: %s" % e)
    _depth(value)
    _check_surrogates(value)
    return value


# --- schemas -----------------------------------------------------------------------------------

def load_schemas():
    """All Schemas/*.schema.json by $id, and the $id of each file name."""
    by_id, id_of = {}, {}
    for name in sorted(os.listdir(SCHEMA_DIR)):
        if name.endswith(".schema.json"):
            with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as f:
                schema = json.load(f)
            uri = schema.get("$id") if isinstance(schema, dict) else None
            if uri:
                by_id[uri] = schema
                id_of[name] = uri
    return by_id, id_of


def _refuse_remote(uri):
    raise jsonschema.exceptions.RefResolutionError("refusing to fetch %s: every $ref must be in Schemas/" % uri)


def make_validator_factory(by_id):
    """Returns f(schema) -> a Draft 2020-12 validator resolving $refs among `by_id` only."""
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
        registry = Registry().with_resources(
            (uri, Resource.from_contents(schema, default_specification=DRAFT202012)) for uri, schema in by_id.items())
        Draft202012Validator({}, registry=registry)  # jsonschema older than 4.18 has no registry argument
    except (ImportError, TypeError):
        registry = None

    def factory(schema):
        if registry is not None:
            return Draft202012Validator(schema, registry=registry)
        base = schema.get("$id", "")
        resolver = jsonschema.RefResolver(base_uri=base, referrer=schema, store=dict(by_id),
                                          handlers={"http": _refuse_remote, "https": _refuse_remote})
        return Draft202012Validator(schema, resolver=resolver)

    return factory


# --- messages ----------------------------------------------------------------------------------

def pointer(parts):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def short(value, limit=80):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"


NULL = {"type": "null"}
JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number",
              float: "a number", type(None): "null"}
NEWLINES = "[\\n\\u000b\\f\\r\\u0085\\u2028\\u2029]"


def first_sentence(text):
    return text.split(". ")[0].rstrip(".")


def describe(error):
    """A JSON Pointer and a one-line rule for a jsonschema error."""
    path = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    v = error.validator
    if v in ("anyOf", "oneOf"):
        if schema.get("description") and NULL not in error.validator_value:
            return pointer(path), "%s is not %s" % (short(error.instance), first_sentence(schema["description"])[0].lower()
                                                    + first_sentence(schema["description"])[1:])
        needed, seen = [], set()
        for alternative in error.context:
            branch = alternative.relative_schema_path[0] if alternative.relative_schema_path else None
            if branch in seen or alternative.validator not in ("required", "minItems"):
                continue
            seen.add(branch)
            where, _ = describe(alternative)
            if where not in needed:
                needed.append(where)
        if needed:
            return pointer(path), "needs one of %s (present and not empty)" % ", ".join(needed)
    if v == "required":
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        if missing:
            return pointer(path + [missing[0]]), "is required"
    if v == "additionalProperties" and isinstance(error.instance, dict):
        known = set(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        extra = [k for k in error.instance if k not in known and not any(p.search(k) for p in patterns)]
        if extra:
            return pointer(path + [extra[0]]), "is not a member of this statement"
    if v == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        names = {"object": "an object", "array": "an array", "string": "a string", "number": "a number",
                 "integer": "a whole number", "boolean": "true or false", "null": "null"}
        return pointer(path), "must be %s, found %s" % (" or ".join(names.get(w, w) for w in wanted),
                                                         JSON_TYPES.get(type(error.instance), "?"))
    if v == "pattern":
        described = schema.get("description", "")
        if not described and error.parent is not None and isinstance(error.parent.schema, dict):
            described = error.parent.schema.get("description", "")
        what = first_sentence(described)
        return pointer(path), "%s does not have the required form%s" % (short(error.instance), ": " + what if what else "")
    if v == "not":
        inner = error.validator_value if isinstance(error.validator_value, dict) else {}
        if inner.get("pattern") == "\\n$":
            return pointer(path), "must not end with a line break"
        if inner.get("pattern") == "\\s":
            return pointer(path), "must not contain white space"
        if inner.get("pattern") == NEWLINES:
            return pointer(path), "must be one line"
        required = inner.get("required", [])
        if len(required) == 2 and required[1] == "ilmd":
            return pointer(path + [required[0]]), "is given both on the event and in ilmd"
        if required:
            return pointer(path + [required[0]]), "is not allowed in this event"
        return pointer(path), "%s is refused here (%s)" % (short(error.instance), short(inner, 100))
    if v == "enum":
        allowed = error.validator_value
        shown = ", ".join(str(a) for a in allowed[:12]) + (", …" if len(allowed) > 12 else "")
        return pointer(path), "%s is not one of: %s" % (short(error.instance), shown)
    if v == "maxItems" and error.validator_value == 0:
        return pointer(path), "is not allowed in this event (or must be empty)"
    if v == "minLength" and error.validator_value == 1:
        return pointer(path), "must not be empty"
    if v == "minItems":
        return pointer(path), "must not be empty"
    if v == "maxLength":
        return pointer(path), "is longer than %d characters" % error.validator_value
    message = error.message
    return pointer(path), (message if len(message) <= 200 else message[:200] + "…")


def _is_null_branch(error):
    return error.validator == "type" and error.validator_value == "null"


def _refine(error):
    """Looks past the `null` alternative of an optional member (null counts as absent) to the
    rule the value actually broke, and past a failed alternative of a described anyOf (a CBV
    value, …) to the whole rule."""
    for _ in range(64):
        parent = error.parent
        if error.validator == "anyOf" and NULL in error.validator_value:
            others = [e for e in error.context if not _is_null_branch(e)]
            if not others:
                return error
            error = best_match(others)
        elif _is_null_branch(error) and parent is not None and parent.validator == "anyOf":
            error = parent
        elif parent is not None and parent.validator in ("anyOf", "oneOf") and NULL not in parent.validator_value \
                and isinstance(parent.schema, dict) and parent.schema.get("description"):
            error = parent
        else:
            return error
    return error


def explain(errors):
    error = best_match(errors)
    if error is None:
        return "invalid"
    where, what = describe(_refine(error))
    return "%s: %s" % (where or "(document)", what)


class Checker:
    def __init__(self, schema_name):
        by_id, id_of = load_schemas()
        if schema_name not in id_of:
            raise LookupError("no schema %s in %s" % (schema_name, SCHEMA_DIR))
        self.factory = make_validator_factory(by_id)
        self.root = by_id[id_of[schema_name]]
        self.validator = self.factory(self.root)
        # The statement kinds: each oneOf branch of statement.schema.json is a kind schema whose
        # $defs/kind tells which statements are of that kind.
        self.kinds = []
        for branch in self.root.get("oneOf", []):
            uri = branch.get("$ref", "")
            target = by_id.get(uri) or by_id.get(self.root["$id"].rsplit("/", 1)[0] + "/" + uri)
            if target and "kind" in target.get("$defs", {}):
                self.kinds.append((target["title"], self.factory(target),
                                   self.factory({"$ref": target["$id"] + "#/$defs/kind"})))

    def check(self, instance):
        """Returns (True, kind or None) or (False, message)."""
        errors = list(self.validator.iter_errors(instance))
        selected = [(name, v) for name, v, selector in self.kinds if selector.is_valid(instance)]
        if not errors:
            return True, (selected[0][0] if len(selected) == 1 else None)
        if len(selected) == 1:
            name, v = selected[0]
            kind_errors = list(v.iter_errors(instance))
            if kind_errors:
                return False, "%s: %s" % (name, explain(kind_errors))
        return False, explain(errors)


def main(argv):
    show_kind, schema_name, files = False, "statement.schema.json", []
    args = iter(argv)
    for a in args:
        if a == "--kind":
            show_kind = True
        elif a == "--schema":
            schema_name = next(args, None)
            if schema_name is None:
                sys.stderr.write("schema_check: --schema needs a schema file name\n")
                return 2
        elif a in ("-h", "--help"):
            sys.stdout.write(__doc__)
            return 0
        else:
            files.append(a)
    if not files:
        sys.stderr.write("usage: python3 tools/schema_check.py [--kind] [--schema NAME] FILE...\n")
        return 2
    try:
        checker = Checker(schema_name)
    except LookupError as e:
        sys.stderr.write("schema_check: %s\n" % e)
        return 2
    for path in files:
        try:
            ok, detail = checker.check(read_statement(path))
        except (DocumentError, OSError) as e:
            ok, detail = False, str(e)
        if ok:
            line = path + "\tvalid" + ("\t" + (detail or "-") if show_kind else "")
        else:
            line = path + "\tinvalid\t" + str(detail).replace("\r", " ").replace("\n", " ").replace("\t", " ")
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
