#!/usr/bin/env python3
"""Checks that docs/openapi.yaml and docs/API.md describe the same HTTP endpoints.

    deploy/check-openapi.py                 # compare; exit 0 when they agree, 1 otherwise
    deploy/check-openapi.py --json OUT      # also write the document as JSON to OUT
    deploy/check-openapi.py --verify-json docs/openapi.json   # and fail unless OUT is up to date

API.md's endpoints are its table rows that start with "| `METHOD /path" (path parameters
such as `{id}` match any name, query strings are dropped; the MQTT row is not HTTP). Every one
must be an operation of the OpenAPI document and every operation must be one of them, apart
from the few EXCEPTIONS below. Every operation also needs a unique operationId and a tag.

`--json docs/openapi.json` writes the `GET /v1/openapi.json` the edge serves: the document as
JSON, keys in the YAML's order, non-ASCII kept. It is written (atomically) whenever the YAML
loads, even if the comparison fails; the exit status still reports the failure. The JSON is
committed (the edge container has no Python), and `--verify-json` (run by ./deploy/test) fails
when it no longer matches the YAML.

Only the standard library and PyYAML (Debian: python3-yaml).
"""

import argparse
import json
import os
import re
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SPEC = os.path.join(ROOT, "docs", "openapi.yaml")
DEFAULT_API_MD = os.path.join(ROOT, "docs", "API.md")

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Operations of the OpenAPI document that API.md's tables may lack, each with the reason.
EXCEPTIONS = {
    # API.md mentions /health/live in prose ("Every service: GET /health/live …"), not in a
    # table; through the edge it is nginx's own answer, not a service's.
    ("GET", "/health/live"): "edge liveness, described in API.md's Conventions, not in a table",
}

# "| `POST /v1/auth/register` `{email, …}` | anyone | …"
ROW = re.compile(r"^\|\s*`(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE)\s+([^`\s]+)")
PARAMETER = re.compile(r"\{[^{}/]*\}")


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and keeps dates as strings, so the JSON is exact."""


def _mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    mapping = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_str)


def normalise(path):
    """`/v1/strategies/{id}/versions/{n}/profile.zip?x=` -> `/v1/strategies/{}/versions/{}/profile.zip`."""
    return PARAMETER.sub("{}", path.split("?", 1)[0])


def api_md_endpoints(text):
    """{(METHOD, normalised path): [line numbers]} of API.md's endpoint rows."""
    found = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = ROW.match(line)
        if match:
            found.setdefault((match.group(1), normalise(match.group(2))), []).append(number)
    return found


def openapi_operations(document, problems):
    """{(METHOD, normalised path): "METHOD /path as written"}; records malformed operations."""
    found = {}
    operation_ids = {}
    paths = document.get("paths")
    if not isinstance(paths, dict):
        problems.append("openapi.yaml: no `paths` object")
        return found
    for path, item in paths.items():
        if not isinstance(item, dict):
            problems.append(f"openapi.yaml: path {path} is not an object")
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            written = f"{method.upper()} {path}"
            key = (method.upper(), normalise(path))
            if key in found:
                problems.append(f"openapi.yaml: {written} is the same endpoint as {found[key]}")
            found[key] = written
            if not isinstance(operation, dict):
                problems.append(f"openapi.yaml: {written} is not an object")
                continue
            operation_id = operation.get("operationId")
            if not operation_id:
                problems.append(f"openapi.yaml: {written} has no operationId")
            elif operation_id in operation_ids:
                problems.append(f"openapi.yaml: {written} reuses operationId {operation_id} of {operation_ids[operation_id]}")
            else:
                operation_ids[operation_id] = written
            if not operation.get("tags"):
                problems.append(f"openapi.yaml: {written} has no tag")
    return found


def json_text(document):
    return json.dumps(document, sort_keys=False, ensure_ascii=False, indent=2) + "\n"


def write_json(document, out):
    """Writes through a temporary file in the same folder, so a reader never sees half a file."""
    folder = os.path.dirname(os.path.abspath(out))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".openapi-", suffix=".json", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(json_text(document))
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", metavar="OUT", help="also write the OpenAPI document as JSON to OUT")
    parser.add_argument("--verify-json", metavar="FILE", help="fail unless FILE is the document as --json writes it")
    parser.add_argument("--spec", default=DEFAULT_SPEC, help="the OpenAPI document (default: docs/openapi.yaml)")
    parser.add_argument("--api-md", default=DEFAULT_API_MD, help="the API reference (default: docs/API.md)")
    arguments = parser.parse_args()

    try:
        with open(arguments.spec, encoding="utf-8") as file:
            document = yaml.load(file, Loader=StrictLoader)
        with open(arguments.api_md, encoding="utf-8") as file:
            reference = file.read()
    except (OSError, yaml.YAMLError) as error:
        print(f"check-openapi: {error}", file=sys.stderr)
        return 2
    if not isinstance(document, dict):
        print(f"check-openapi: {arguments.spec} is not an OpenAPI document", file=sys.stderr)
        return 2

    if arguments.json:
        try:
            write_json(document, arguments.json)
        except (OSError, TypeError, ValueError) as error:
            print(f"check-openapi: cannot write {arguments.json}: {error}", file=sys.stderr)
            return 2

    problems = []
    if arguments.verify_json:
        try:
            with open(arguments.verify_json, encoding="utf-8") as file:
                current = file.read() == json_text(document)
        except OSError:
            current = False
        if not current:
            problems.append(f"{arguments.verify_json} is not docs/openapi.yaml as JSON: run deploy/check-openapi.py --json {arguments.verify_json}")
    documented = api_md_endpoints(reference)
    operations = openapi_operations(document, problems)

    for (method, path), lines in sorted(documented.items(), key=lambda entry: entry[1][0]):
        if len(lines) > 1:
            problems.append(f"API.md: {method} {path} has several rows (lines {', '.join(map(str, lines))})")
        if (method, path) not in operations:
            problems.append(f"missing from openapi.yaml: {method} {path} (API.md line {lines[0]})")
    for key, written in operations.items():
        if key not in documented and key not in EXCEPTIONS:
            problems.append(f"missing from API.md: {written}")
    for (method, path), reason in EXCEPTIONS.items():
        if (method, path) in documented:
            print(f"note: {method} {path} is in API.md now; drop it from EXCEPTIONS ({reason})")
        elif (method, path) not in operations:
            print(f"note: {method} {path} is no operation of openapi.yaml; drop it from EXCEPTIONS")

    for problem in problems:
        print(problem)
    print(
        f"check-openapi: {len(documented)} endpoints in API.md, {len(operations)} operations in openapi.yaml"
        f" ({len(EXCEPTIONS)} allowed exceptions): {'OK' if not problems else f'{len(problems)} problem(s)'}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
