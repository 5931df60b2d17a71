#!/usr/bin/env bash
# After a deliberate change to the package's public API (src/Dcgan/Api), rewrites src/Dcgan/PublicAPI.Unshipped.txt from
# the analyzer's findings: symbols it reports as new (RS0016) are added, symbols that are gone (RS0017) removed. Review
# the diff: it is the API change people who build on the package will see. At a release, move the lines to Shipped.
set -euo pipefail
cd "$(dirname "$0")/.."
file=src/Dcgan/PublicAPI.Unshipped.txt
log=$(dotnet build src/Dcgan/Dcgan.csproj -c Release -nologo --no-incremental 2>&1 || true)
added=$(grep -oE "RS0016: Symbol '.*' is not part of the declared" <<<"$log" | sed -E "s/RS0016: Symbol '(.*)' is not part of the declared/\1/" | sort -u || true)
removed=$(grep -oE "RS0017: Symbol '.*' is part of the declared" <<<"$log" | sed -E "s/RS0017: Symbol '(.*)' is part of the declared/\1/" | sort -u || true)
{
  echo '#nullable enable'
  { grep -v '^#nullable' "$file" | grep -vxF -f <(printf '%s\n' "$removed") || true; printf '%s\n' "$added"; } | grep -v '^$' | sort -u
} > "$file.new"
mv "$file.new" "$file"
echo "$(wc -l <<<"$added" | tr -d ' ') added, $(grep -c . <<<"$removed" || true) removed; now:"
dotnet build src/Dcgan/Dcgan.csproj -c Release -nologo -v q 2>&1 | grep -E 'error|Error\(s\)' | sort -u | head -20
