#!/usr/bin/env bash
# Headless LibreOffice for the workbook test (tests/python/test_workbook.py: release.xlsx
# rendered to PDF as a reader's spreadsheet program draws and prints it).
#
#   scripts/libreoffice.sh install   install Debian's libreoffice-calc-nogui when no soffice is
#                                    on PATH (needs root and the package registry), then print
#                                    the path of the executable
#   scripts/libreoffice.sh path      print the path of soffice; exit 1 when none
#
# Idempotent: `install` does nothing but print the path when soffice is there already.
set -euo pipefail

log() { echo "libreoffice.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

case "${1:-}" in
    install)
        if command -v soffice; then
            exit 0
        fi
        [[ "$(id -u)" == 0 ]] || die "no soffice on PATH; run as root to install Debian's libreoffice-calc-nogui"
        log "installing Debian's libreoffice-calc-nogui"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >&2
        apt-get install -y -q --no-install-recommends libreoffice-calc-nogui >&2
        command -v soffice || die "apt-get installed libreoffice-calc-nogui, but there is no soffice on PATH"
        ;;
    path)
        command -v soffice || die "no soffice on PATH (scripts/libreoffice.sh install)"
        ;;
    *)
        echo "usage: scripts/libreoffice.sh install|path" >&2
        exit 2
        ;;
esac
