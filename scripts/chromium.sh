#!/usr/bin/env bash
# Headless Chromium for the release page test (tests/python/test_release_page.py).
#
#   scripts/chromium.sh install   install Debian's chromium package when no Chromium is on
#                                 PATH, and poppler-utils when pdfinfo is missing (the test
#                                 counts the pages of the printout with it; needs root and
#                                 the package registry), then print the path of Chromium
#   scripts/chromium.sh path      print the path of the executable; exit 1 when none
#
# Idempotent: `install` does nothing but print the path when both are there already.
# The test drives it over the DevTools protocol on a pipe (--remote-debugging-pipe), with
# every host name mapped to nothing: it needs no network at test time.
set -euo pipefail

log() { echo "chromium.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

find_chromium() {
    local name
    for name in chromium chromium-browser google-chrome; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

case "${1:-}" in
    install)
        packages=()
        find_chromium >/dev/null || packages+=(chromium)
        command -v pdfinfo >/dev/null 2>&1 || packages+=(poppler-utils)
        if [[ ${#packages[@]} == 0 ]]; then
            find_chromium
            exit 0
        fi
        [[ "$(id -u)" == 0 ]] || die "missing ${packages[*]}; run as root to install Debian's packages"
        log "installing Debian's ${packages[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >&2
        apt-get install -y -q "${packages[@]}" >&2
        find_chromium || die "apt-get installed chromium, but there is no chromium on PATH"
        ;;
    path)
        find_chromium || die "no Chromium on PATH (scripts/chromium.sh install)"
        ;;
    *)
        echo "usage: scripts/chromium.sh install|path" >&2
        exit 2
        ;;
esac
