#!/bin/sh
# Concatenates the stylesheets, in cascade order: rega.css for every page (index.html links it),
# rega-directorate.css for the kiosk, verifier, desk and board only (directorate.html links it
# as well), so the citizen screens' first load does not carry them.
# Run by Trunk's pre_build hook from the repository root.
set -eu
out=target/rega-style
mkdir -p "$out"
cat style/tokens.css style/fonts.css style/base.css style/components/*.css style/pages/*.css style/print.css > "$out/rega.css.tmp"
mv "$out/rega.css.tmp" "$out/rega.css"
cat style/directorate/*.css > "$out/rega-directorate.css.tmp"
mv "$out/rega-directorate.css.tmp" "$out/rega-directorate.css"
