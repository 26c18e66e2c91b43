#!/usr/bin/env python3
"""Cuts the hashicorp/aws provider's source down to the services Strongbox uses.

The provider registers every AWS service (about 250) in two generated files;
building it compiles every AWS SDK client (90 % of its source). This keeps only
the service packages that own a resource or data source type used in infra/,
and only the SDK clients those packages (and their imports) call.

  provider-trim.py types INFRA_DIR
      the aws_* resource, data and mock types used in INFRA_DIR, one a line
  provider-trim.py type-map SRC OUT.json
      writes {type: service package} read from the provider's source
  provider-trim.py services TYPE_MAP.json INFRA_DIR
      the service packages INFRA_DIR needs, one a line (fails on an unknown type)
  provider-trim.py trim SRC SERVICE...
      rewrites SRC's two generated registration files for those services
  provider-trim.py check SCHEMA.json INFRA_DIR
      fails, naming them, when a type used in INFRA_DIR is missing from the
      provider schema (`tofu providers schema -json`) of the provider built
"""
import json
import pathlib
import re
import subprocess
import sys

TYPE_RE = re.compile(
    r'^\s*(?:resource|data|ephemeral|mock_resource|mock_data|override_resource_type)\s+"(aws_[a-z0-9_]+)"',
    re.M,
)
SERVICE_PACKAGES = "internal/provider/sdkv2/service_packages_gen.go"
AWSCLIENT = "internal/conns/awsclient_gen.go"
MODULE = "github.com/hashicorp/terraform-provider-aws"


def infra_types(infra: pathlib.Path) -> list[str]:
    found = set()
    for path in infra.rglob("*"):
        if ".terraform" in path.parts or path.suffix not in (".tf", ".hcl"):
            continue
        found.update(TYPE_RE.findall(path.read_text()))
    return sorted(found)


def type_map(src: pathlib.Path) -> dict[str, str]:
    mapping = {}
    for gen in sorted(src.glob("internal/service/*/service_package_gen.go")):
        for name in re.findall(r'TypeName:\s*"(aws_[a-z0-9_]+)"', gen.read_text()):
            mapping.setdefault(name, gen.parent.name)
    return mapping


def services(mapping: dict[str, str], infra: pathlib.Path) -> list[str]:
    used = infra_types(infra)
    unknown = [t for t in used if t not in mapping]
    if unknown:
        sys.exit(f"provider-trim: no service of the provider defines {', '.join(unknown)}")
    return sorted({mapping[t] for t in used})


def trim_service_packages(src: pathlib.Path, keep: set[str]) -> None:
    path = src / SERVICE_PACKAGES
    text = path.read_text()
    text = re.sub(
        rf'^\t"{re.escape(MODULE)}/internal/service/([a-z0-9]+)"\n',
        lambda m: m.group(0) if m.group(1) in keep else "",
        text,
        flags=re.M,
    )
    text = re.sub(
        r"^\t\t([a-z0-9]+)\.ServicePackage\(ctx\),\n",
        lambda m: m.group(0) if m.group(1) in keep else "",
        text,
        flags=re.M,
    )
    path.write_text(text)


def called_clients(src: pathlib.Path) -> set[str]:
    """AWSClient methods (`XClient(ctx)`) called by any package the trimmed provider builds."""
    listing = subprocess.run(
        ["go", "list", "-mod=mod", "-deps", "-f", "{{.Dir}}\t{{join .GoFiles \"\\t\"}}", "."],
        cwd=src, check=True, capture_output=True, text=True,
    ).stdout
    calls = set()
    for line in listing.splitlines():
        folder, *files = line.split("\t")
        if not folder.startswith(str(src)):
            continue
        for name in files:
            if folder.endswith("internal/conns") and name == "awsclient_gen.go":
                continue
            calls.update(re.findall(r"\b([A-Z][A-Za-z0-9]*Client)\(ctx\b", (pathlib.Path(folder) / name).read_text()))
    return calls


def trim_awsclient(src: pathlib.Path) -> None:
    path = src / AWSCLIENT
    text = path.read_text()
    calls = called_clients(src)
    method = re.compile(r"^func \(c \*AWSClient\) ([A-Za-z0-9]+)\(ctx context\.Context\)[^\n]*\{\n.*?^\}\n\n?", re.M | re.S)
    text = method.sub(lambda m: m.group(0) if m.group(1) in calls else "", text)
    head, body = text.split(")\n", 1)  # the import block, then the rest

    def keep_import(m: re.Match) -> str:
        alias = m.group(1) or m.group(2).rsplit("/", 1)[-1]
        return m.group(0) if re.search(rf"\b{re.escape(alias)}\.", body) else ""

    head = re.sub(r'^\t(?:([A-Za-z0-9_]+) )?"([^"]+)"\n', keep_import, head, flags=re.M)
    path.write_text(head + ")\n" + body)


def missing_types(schema: dict, infra: pathlib.Path) -> list[str]:
    known = set()
    for name, provider in schema.get("provider_schemas", {}).items():
        if name.endswith("/hashicorp/aws"):
            for kind in ("resource_schemas", "data_source_schemas", "ephemeral_resource_schemas"):
                known.update(provider.get(kind, {}))
    return [t for t in infra_types(infra) if t not in known]


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "types":
        print("\n".join(infra_types(pathlib.Path(args[0]))))
    elif command == "type-map":
        mapping = type_map(pathlib.Path(args[0]))
        pathlib.Path(args[1]).write_text(json.dumps(mapping, indent=0, sort_keys=True))
    elif command == "services":
        mapping = json.loads(pathlib.Path(args[0]).read_text())
        print("\n".join(services(mapping, pathlib.Path(args[1]))))
    elif command == "trim":
        src = pathlib.Path(args[0]).resolve()
        trim_service_packages(src, set(args[1:]))
        trim_awsclient(src)
    elif command == "check":
        schema = json.loads(pathlib.Path(args[0]).read_text())
        missing = missing_types(schema, pathlib.Path(args[1]))
        if missing:
            sys.exit(
                "provider-trim: the provider in use has no "
                + ", ".join(missing)
                + "; run scripts/bootstrap.sh provider to rebuild it for infra/ "
                "(or STRONGBOX_PROVIDER_BUILD=full for every service)"
            )
        print(f"provider schema has all {len(infra_types(pathlib.Path(args[1])))} aws_* types infra/ uses")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
