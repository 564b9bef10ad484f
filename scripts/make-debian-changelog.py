#!/usr/bin/env python3
"""Writes the Debian changelog (deb-changelog(5)) of the package from the project's CHANGELOG.md: one entry per
`## VERSION – YYYY-MM-DD` heading, newest first, one `*` item per `- ` item (continuation lines joined and wrapped
at 78 columns), signed by the package's maintainer at noon UTC of the heading's date.

Usage: scripts/make-debian-changelog.py CHANGELOG.md "NAME <ADDRESS>" [DISTRIBUTION]
Exits non-zero, naming the line, when a heading or an item is not in that form.
"""
import datetime
import re
import sys
import textwrap


def entries(path):
    version = None
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        heading = re.match(r"^## (\S+) – (\d{4}-\d{2}-\d{2})$", line)
        if heading:
            version = [heading.group(1), heading.group(2), []]
            yield version
        elif line.startswith("## "):
            sys.exit("%s:%d: väntade '## VERSION – ÅÅÅÅ-MM-DD', fick: %s" % (path, number, line))
        elif version is None:
            continue
        elif line.startswith("- "):
            version[2].append(line[2:].strip())
        elif line.startswith("  ") and version[2]:
            version[2][-1] += " " + line.strip()
        elif line.strip():
            sys.exit("%s:%d: väntade en punkt ('- ') eller dess fortsättning, fick: %s" % (path, number, line))


def main():
    path, maintainer = sys.argv[1], sys.argv[2]
    distribution = sys.argv[3] if len(sys.argv) > 3 else "bookworm"
    out = []
    for version, date, items in list(entries(path)):
        if not items:
            sys.exit("%s: version %s har inga punkter" % (path, version))
        out.append("lagesbild (%s) %s; urgency=medium\n" % (version, distribution))
        for item in items:
            text = item.replace("`", "")
            out.append(textwrap.fill(text, width=78, initial_indent="  * ", subsequent_indent="    ",
                                     break_on_hyphens=False, break_long_words=False))
        day = datetime.datetime.strptime(date, "%Y-%m-%d").replace(hour=12, tzinfo=datetime.timezone.utc)
        out.append("\n -- %s  %s\n" % (maintainer, day.strftime("%a, %d %b %Y %H:%M:%S +0000")))
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
