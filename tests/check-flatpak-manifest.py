#!/usr/bin/env python3
# Checks build-aux's Flatpak manifest: valid JSON, Thaw's app id and
# command, the GNOME 43 runtime (GTK 4.8, libadwaita 1.2, GtkSourceView 5,
# json-glib: all Thaw needs), a sandbox without host files, and a meson
# module built from this source tree without its tests.
#
# usage: check-flatpak-manifest.py MANIFEST APP-ID SOURCE-ROOT
import json
import os
import sys

manifest_path, app_id, source_root = sys.argv[1:4]
with open(manifest_path, encoding="utf-8") as f:
    manifest = json.load(f)

problems = []


def expect(what, got, want):
    if got != want:
        problems.append(f"{what} is {got!r}, should be {want!r}")


expect("app-id", manifest.get("app-id"), app_id)
expect("the file name", os.path.basename(manifest_path), app_id + ".json")
expect("runtime", manifest.get("runtime"), "org.gnome.Platform")
expect("runtime-version", manifest.get("runtime-version"), "43")
expect("sdk", manifest.get("sdk"), "org.gnome.Sdk")
expect("command", manifest.get("command"), "thaw")

args = manifest.get("finish-args", [])
for needed in ("--socket=wayland", "--socket=fallback-x11", "--share=ipc"):
    if needed not in args:
        problems.append(f"finish-args lack {needed}")
for arg in args:
    if arg.startswith("--filesystem="):
        problems.append(f"finish-args open the host's files ({arg}): the file chooser's portal is enough")

modules = manifest.get("modules", [])
thaw = modules[-1] if modules else {}
expect("the last module's name", thaw.get("name"), "thaw")
expect("its buildsystem", thaw.get("buildsystem"), "meson")
if "-Dtests=false" not in thaw.get("config-opts", []):
    problems.append("the thaw module builds the tests (-Dtests=false is missing)")
dirs = [s for s in thaw.get("sources", []) if s.get("type") == "dir"]
if len(dirs) != 1:
    problems.append("the thaw module needs one source of type dir: this tree")
else:
    path = os.path.join(os.path.dirname(manifest_path), dirs[0].get("path", ""))
    if os.path.realpath(path) != os.path.realpath(source_root):
        problems.append(f"its source {dirs[0].get('path')!r} is not this tree ({source_root})")

for problem in problems:
    print(f"{manifest_path}: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
