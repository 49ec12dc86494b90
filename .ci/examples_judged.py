"""Proves that the lint of .ci/run judges every example of the contract against its schema.

Redocly's example rules (`no-invalid-*-examples`, errors in .ci/redocly.yaml) validate the
examples they find. This breaks every example of a copy of the contract (a number where the schema
wants anything else, a string where it wants a number), lints the copy with the same config, and
fails unless each broken example is reported by one of those rules: an example the linter would
not look at (a new place, a rule turned off, a tool upgrade that skips some) cannot pass unseen.

    python3 .ci/examples_judged.py REDOCLY CONTRACT CONFIG WORKDIR
"""

import json
import subprocess
import sys
from pathlib import Path

RULES = {"no-invalid-media-type-examples", "no-invalid-schema-examples", "no-invalid-parameter-examples"}


def pointer(path):
    return "#" + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def resolve(contract, schema):
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 32:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema, seen = contract["components"]["schemas"][name], seen + 1
    return schema if isinstance(schema, dict) else {}


def wrong_value(contract, schema):
    """A value the schema refuses: its types are not numbers, or are only numbers."""
    types = resolve(contract, schema).get("type", [])
    types = {types} if isinstance(types, str) else set(types)
    return "not a number" if types and types <= {"integer", "number", "null"} else 12345


def break_examples(contract):
    """Replaces every example in place; returns the pointers of those broken."""
    broken = []

    def walk(node, path):
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, path + [i])
            return
        if not isinstance(node, dict):
            return
        if path and path[-1] in ("properties", "schemas", "headers", "links"):  # names, not keywords
            for name, value in node.items():
                walk(value, path + [name])
            return
        # A parameter or media type holds its schema under `schema`; a schema is its own.
        schema = node.get("schema", node)
        for key, value in list(node.items()):
            if key == "example":
                node[key] = wrong_value(contract, schema)
                broken.append(pointer(path + [key]))
            elif key == "examples" and isinstance(value, list):  # a schema's (OpenAPI 3.1)
                node[key] = [wrong_value(contract, schema) for _ in value]
                broken.extend(pointer(path + [key, i]) for i in range(len(value)))
            elif key == "examples" and isinstance(value, dict):  # a parameter's or media type's
                for name, example in value.items():
                    if isinstance(example, dict) and "value" in example:
                        example["value"] = wrong_value(contract, schema)
                        broken.append(pointer(path + [key, name, "value"]))
            else:
                walk(value, path + [key])

    walk(contract, [])
    return broken


def main(redocly, contract_path, config, workdir):
    contract = json.loads(Path(contract_path).read_text())
    broken = break_examples(contract)
    copy = Path(workdir) / "openapi.examples-broken.json"
    copy.write_text(json.dumps(contract, indent=2))
    lint = subprocess.run(
        [redocly, "lint", str(copy), "--config", config, "--format=json", "--max-problems", "100000"],
        capture_output=True,
        text=True,
    )
    problems = json.loads(lint.stdout)["problems"]
    reported = {
        location["pointer"] for problem in problems if problem["ruleId"] in RULES for location in problem["location"]
    }
    unjudged = [p for p in broken if not any(r == p or r.startswith(p + "/") for r in reported)]
    print(f"{len(broken)} examples broken on purpose, {len(broken) - len(unjudged)} reported by the lint")
    if not broken or unjudged or lint.returncode == 0:
        print("examples the lint does not judge:", *unjudged, sep="\n  ")
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
