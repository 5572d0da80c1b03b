"""`kzmig export`: a release as its readers get it (kzmig.export.release)."""

from kzmig.export.release import (  # noqa: F401
    ALL_LANGUAGES, DEFAULT_OUT_DIR, SYNTHETIC_NOTE_FILE, PublishedFile, add_parser, connect,
    export_latest, export_release, export_sdmx, list_releases, run, source_path)
