"""Benchmark: the sample issue with camera-size photographs in place of its placeholder figures.

    python bench/images.py [--wheel scikit_image-*.whl] [--work /tmp/publish-images] [--cmyk] [--keep]

The photographs are scikit-image's sample images (real photographs under permissive licences,
skimage/data/README.txt), taken from its wheel (`pip download scikit-image --no-deps` when no
--wheel is given, never installed), scaled to a 24-megapixel camera's 6000 × 4000 with a
sensor's grain added, and delivered as a production team does: JPEG at quality 92 (most),
Adobe RGB with its profile, EXIF-rotated portraits, CMYK with and without a profile (the cover
too), greyscale, 16-bit grey and 16-bit colour PNGs, PNG screenshots with transparency, TIFF
and WebP. 44 images: the 43 figures of the sample and its cover.

It times, each in a fresh process and from a clean build/: the placeholder sample's cold build,
the photo edition's cold build, an article edit then `publish epub`, and a no-op; it reports
the outputs' sizes, and what Ghostscript and qpdf say of the print PDF. `--cmyk` makes the
printer's CMYK profile (Ghostscript's default_cmyk.icc) the output intent of the photo edition.
This is a measurement, not a test: nothing here asserts a time; the goals are printed beside it.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PHOTOS = ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "motorcycle_right.png",
          "hubble_deep_field.jpg", "retina.jpg", "ihc.png", "camera.png", "moon.png", "brick.png", "grass.png",
          "gravel.png", "color.png", "page.png")
ICC = Path("/usr/share/color/icc/ghostscript")
CAMERA = (6000, 4000)  # 24 MP
GOALS = {"epub_mb": 40.0, "edit_s": 2.0, "cold_ratio": 2.0}


def wheel(given: str | None, work: Path) -> Path:
    if given:
        return Path(given)
    found = sorted(work.glob("scikit_image-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "scikit-image", "--no-deps", "-q", "-d", str(work)],
                       check=True)
        found = sorted(work.glob("scikit_image-*.whl"))
    return found[-1]


def originals(archive: Path, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    with zipfile.ZipFile(archive) as wheel_file:
        for name in PHOTOS:
            target = folder / name
            if not target.exists():
                target.write_bytes(wheel_file.read(f"skimage/data/{name}"))
            out.append(target)
    return out


def camera_size(source: Path, seed: int, grey: bool = False):
    """The photo at 24 MP (or its portrait), with a sensor's grain, as a camera's JPEG holds it."""
    from PIL import Image, ImageChops

    image = Image.open(source)
    image = image.convert("L" if grey else "RGB")
    width, height = CAMERA if image.width >= image.height else CAMERA[::-1]
    image = image.resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 6 + seed % 3)
    if not grey:
        grain = Image.merge("RGB", (grain, grain.rotate(180), grain.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    return ImageChops.add(image, grain, 1.0, -128)


def deliver(photos: list[Path], images: Path) -> list[tuple[str, str]]:
    """The 44 files (name, what it is), written into `images`."""
    from PIL import Image, ImageCms, ImageDraw

    images.mkdir(parents=True, exist_ok=True)
    srgb = ImageCms.createProfile("sRGB")
    adobe = ICC / "a98.icc"
    cmyk = ICC / "default_cmyk.icc"
    kinds = (["jpeg"] * 19 + ["adobe-rgb"] * 4 + ["rotated"] * 6 + ["cmyk-profile"] * 3 + ["cmyk-bare"] * 2
             + ["grey"] * 2 + ["grey16"] * 2 + ["rgb16"] * 1 + ["screenshot"] * 2 + ["tiff"] * 2 + ["webp"] * 1)
    made = []
    for number, kind in enumerate(kinds, 1):
        source = photos[number % len(photos)]
        name = f"photo{number:02d}"
        if kind == "screenshot":
            shot = Image.open(source).convert("RGBA").resize((2560, 1600))
            overlay = Image.new("RGBA", shot.size, (0, 0, 0, 0))
            ImageDraw.Draw(overlay).rounded_rectangle((200, 200, 2360, 1400), 60, fill=(255, 255, 255, 255))
            shot = Image.alpha_composite(overlay, shot.resize(shot.size))
            shot.putalpha(overlay.getchannel("A"))
            shot.save(images / f"{name}.png")
            made.append((f"{name}.png", kind))
            continue
        image = camera_size(source, number, grey=kind in ("grey", "grey16"))
        if kind == "rotated":  # a portrait held sideways: stored landscape, EXIF says turn it
            exif = Image.Exif()
            exif[0x0112] = 6 if number % 2 else 8
            image.save(images / f"{name}.jpg", quality=92, exif=exif)
        elif kind == "adobe-rgb" and adobe.is_file():
            moved = ImageCms.applyTransform(image, ImageCms.buildTransform(srgb, str(adobe), "RGB", "RGB"))
            moved.save(images / f"{name}.jpg", quality=92, icc_profile=adobe.read_bytes())
        elif kind.startswith("cmyk") and cmyk.is_file():
            separated = ImageCms.applyTransform(image, ImageCms.buildTransform(srgb, str(cmyk), "RGB", "CMYK"))
            extra = {"icc_profile": cmyk.read_bytes()} if kind == "cmyk-profile" else {}
            separated.save(images / f"{name}.jpg", quality=92, **extra)
        elif kind == "grey16":
            wide = image.resize((image.width // 2, image.height // 2)).point(lambda v: v * 257, "I")
            wide.convert("I;16").save(images / f"{name}.png")
            made.append((f"{name}.png", kind))
            continue
        elif kind == "rgb16":
            small = image.resize((3000, 2000))
            write_rgb16(small, images / f"{name}.png")
            made.append((f"{name}.png", kind))
            continue
        elif kind == "tiff":
            image.save(images / f"{name}.tif", compression="tiff_lzw")
            made.append((f"{name}.tif", kind))
            continue
        elif kind == "webp":
            image.save(images / f"{name}.webp", quality=90)
            made.append((f"{name}.webp", kind))
            continue
        else:
            image.save(images / f"{name}.jpg", quality=92)
        made.append((f"{name}.jpg", kind))
    return made


def write_rgb16(image, path: Path) -> None:
    """A 16-bit RGB PNG (Pillow writes none): each sample doubled into two bytes."""
    import struct
    import zlib

    width, height = image.size
    raw = image.tobytes()
    rows = []
    for y in range(height):
        row = raw[y * width * 3:(y + 1) * width * 3]
        rows.append(b"\0" + bytes(b for value in row for b in (value, value)))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
                     + chunk(b"IEND", b""))


def photo_edition(sample: Path, made: list[tuple[str, str]], target: Path, cmyk: bool) -> Path:
    """The sample with its 43 figures replaced by the photos and the 44th as its cover."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(sample, target, ignore=shutil.ignore_patterns("build", "images"))
    shutil.copytree(sample.parent / "photos-images", target / "manuscript" / "images")
    cover = next(name for name, kind in made if kind == "cmyk-profile")  # a CMYK cover, as printers deliver
    names = iter(name for name, _ in made if name != cover)
    replaced: dict[str, str] = {}
    for article in sorted((target / "manuscript" / "articles").glob("*.md")):
        text = article.read_text(encoding="utf-8")

        def swap(match: re.Match) -> str:
            placeholder = match.group(1)
            if placeholder not in replaced:
                replaced[placeholder] = next(names)
            return f"](../images/{replaced[placeholder]})"

        article.write_text(re.sub(r"\]\(\.\./images/([^)]+)\)", swap, text), encoding="utf-8")
    yaml = target / "manuscript" / "publication.yaml"
    text = yaml.read_text(encoding="utf-8").replace("kind: magazine", f"cover: images/{cover}\nkind: magazine", 1)
    if cmyk:
        shutil.copy(ICC / "default_cmyk.icc", target / "manuscript" / "printer.icc")
        text = text.replace("  recto_openers: false", "  recto_openers: false\n  output_profile: printer.icc", 1)
    yaml.write_text(text, encoding="utf-8")
    return target


def run(project: Path, *args: str) -> tuple[float, int, str]:
    """Seconds, peak memory (MB, largest child) and stderr of one publish run in a fresh process."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "publish", "-C", str(project), *args], capture_output=True,
                            text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"publish {' '.join(args)} failed on {project}:\n{result.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return seconds, peak, result.stderr


def cold(project: Path) -> tuple[float, int, str]:
    shutil.rmtree(project / "build", ignore_errors=True)
    return run(project)


def sizes(project: Path) -> dict[str, float]:
    build = project / "build"
    return {path.name: path.stat().st_size / 1024 / 1024 for path in sorted(build.glob("*.*")) if path.is_file()}


def printer_checks(pdf: Path) -> list[str]:
    lines = []
    if shutil.which("gs"):
        gs = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-o", "/dev/null", "-sDEVICE=nullpage", str(pdf)],
                            capture_output=True, text=True)
        said = (gs.stdout + gs.stderr).strip()
        lines.append(f"gs -o /dev/null -sDEVICE=nullpage: exit {gs.returncode}" + (f", said: {said[:300]}" if said
                                                                                 else ", no messages"))
    if shutil.which("qpdf"):
        qpdf = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        lines.append(f"qpdf --check: exit {qpdf.returncode}, {qpdf.stdout.strip().splitlines()[-2:]}")
    if shutil.which("pdfimages"):
        listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout.splitlines()
        colours: dict[str, int] = {}
        for row in listing[2:]:
            fields = row.split()
            if len(fields) > 5 and fields[2] == "image":
                colours[fields[5]] = colours.get(fields[5], 0) + 1
        lines.append(f"pdfimages: image colour spaces {colours}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "publish-images"))
    parser.add_argument("--cmyk", action="store_true", help="the printer's CMYK profile as the output intent")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    photos = originals(wheel(args.wheel, work), work / "skimage")
    placeholder = work / "sample"
    if placeholder.exists():
        shutil.rmtree(placeholder)
    shutil.copytree(REPO / "manuscript", placeholder / "manuscript")
    delivered = work / "photos-images"
    list_file = work / "photos.txt"
    if not list_file.exists():
        made = deliver(photos, delivered)
        list_file.write_text("\n".join(f"{n}\t{k}" for n, k in made), encoding="utf-8")
    made = [tuple(line.split("\t")) for line in list_file.read_text(encoding="utf-8").splitlines()]
    total = sum((delivered / name).stat().st_size for name, _ in made) / 1024 / 1024
    print(f"delivered: {len(made)} images, {total:.0f} MiB, made in {time.perf_counter() - started:.0f} s")
    edition = photo_edition(placeholder, made, work / "photos", args.cmyk)  # type: ignore[arg-type]

    base_cold, base_peak, _ = cold(placeholder)
    run(placeholder)
    base_article = sorted((placeholder / "manuscript" / "articles").glob("*.md"))[3]
    base_article.write_text(base_article.read_text(encoding="utf-8") + "\n编辑后补充的一句话。\n", encoding="utf-8")
    base_edit, _, _ = run(placeholder, "epub")
    photo_cold, photo_peak, warnings = cold(edition)
    second, _, said = run(edition)  # a cold -j 2 build's EPUB may take the page-list of a layout of its own
    rebuilt = [line.split()[0] for line in said.splitlines() if line.endswith(("changed", "never built"))
               or " s  " in line]
    noop, _, _ = run(edition)
    article = sorted((edition / "manuscript" / "articles").glob("*.md"))[3]
    article.write_text(article.read_text(encoding="utf-8") + "\n编辑后补充的一句话。\n", encoding="utf-8")
    edit, edit_peak, _ = run(edition, "epub")
    out = sizes(edition)
    epub_mb = next(v for k, v in out.items() if k.endswith(".epub"))
    print(f"\n| measure | placeholder sample | photo edition{' (CMYK intent)' if args.cmyk else ''} | goal |")
    print("| --- | --- | --- | --- |")
    print(f"| cold build (EPUB + 2 PDFs), s | {base_cold:.1f} | {photo_cold:.1f} ({photo_cold / base_cold:.2f}×) | "
          f"≤ {GOALS['cold_ratio']:g}× |")
    print(f"| article edit → `publish epub`, s | {base_edit:.2f} | {edit:.2f} | ≤ {GOALS['edit_s']:g} s |")
    print(f"| the run after the cold build, s | | {second:.2f} (rebuilt: {', '.join(rebuilt) or 'nothing'}) | |")
    print(f"| no-op, s | | {noop:.2f} | |")
    print(f"| peak memory of a run (largest process), MB | {base_peak} | {max(photo_peak, edit_peak)} | |")
    for name, size in out.items():
        if name.startswith("."):
            continue
        goal = f"≤ {GOALS['epub_mb']:g} MB" if name.endswith(".epub") else ""
        print(f"| {name}, MiB | {sizes(placeholder).get(name.replace(edition.name, placeholder.name), 0):.1f} | "
              f"{size:.1f} | {goal} |")
    print(f"\nEPUB {epub_mb:.1f} MiB for {len(made)} photos; warnings of the cold build: "
          f"{len([line for line in warnings.splitlines() if ' warning W' in line])}")
    codes = sorted({m.group(1) for m in re.finditer(r"warning (W\d+)", warnings)})
    print(f"warning codes: {', '.join(codes) or 'none'}")
    for line in printer_checks(next((edition / "build").glob("*-print.pdf"))):
        print(line)


if __name__ == "__main__":
    main()
