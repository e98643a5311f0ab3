"""Download the full MNIST (or Fashion-MNIST) files, each checked by SHA-256: `make data`.

Usage:
    python scripts/fetch_data.py                  # MNIST into data/
    python scripts/fetch_data.py --fashion        # Fashion-MNIST into data/fashion-mnist/
    python scripts/fetch_data.py --data-dir DIR   # another data directory

Files already there are checked and kept; a corrupt one is downloaded again. A download
that fails leaves no file behind. Exit status: 0 on success, 1 on a failed download or
checksum, 130 when interrupted.
"""
import argparse
import sys
from pathlib import Path

from nnlib import datasets


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="fetch_data.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--fashion", action="store_true",
                        help="fetch Fashion-MNIST instead of MNIST")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="data directory (default: $NNLIB_DATA_DIR, else data/ in the repo)")
    parser.add_argument("--mirror", action="append", metavar="URL",
                        help="base URL to download from instead of the usual mirrors "
                             "(repeat to try several in order)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)

    kind = "fashion" if args.fashion else "mnist"
    name = "Fashion-MNIST" if args.fashion else "MNIST"
    try:
        done = datasets.download_mnist(
            args.data_dir, kind=kind, progress=not args.no_progress, mirrors=args.mirror
        )
    except KeyboardInterrupt:
        print("fetch_data: interrupted; no partial file was left behind.", file=sys.stderr)
        return 130
    except (datasets.ChecksumError, OSError, ValueError) as error:
        print(f"fetch_data: error: {error}", file=sys.stderr)
        return 1
    for path, what in done.items():
        print(f"{path}: {what}")
    folder = next(iter(done)).parent if done else args.data_dir
    print(f"{name}: all {len(done)} files in {folder} passed their SHA-256 check.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
