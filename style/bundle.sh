#!/bin/sh
# Concatenates the stylesheets, in cascade order, into the one file index.html links.
# Run by Trunk's pre_build hook from the repository root.
set -eu
out=target/rega-style
mkdir -p "$out"
cat style/tokens.css style/fonts.css style/base.css style/components/*.css style/pages/*.css style/print.css > "$out/rega.css.tmp"
mv "$out/rega.css.tmp" "$out/rega.css"
