"""A folder as people have them (issue 22, point 2): phone photos with EXIF orientation, a
Mac zip's ``__MACOSX``, Windows' and NAS boxes' system files, Korean folder names in NFD
(macOS) and NFC, WebP and HEIC, large JPEGs (draft decoding) and threads, and the course
folder's arrays left exactly as they were. Every fixture is made here with Pillow."""

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inception_edu import data
from inception_edu.data import folder as folder_module

RED, BLUE, GREEN = (220, 20, 20), (20, 20, 220), (20, 200, 20)
CAT, DOG, BUTTERFLY = "고양이", "강아지", "나비"  # cat, dog, butterfly


def nfd(name: str) -> str:
    return unicodedata.normalize("NFD", name)


def _save(path: Path, image: Image.Image, **kwargs) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **kwargs)
    return path


def _sideways_photo(path: Path, orientation: int = 6) -> Path:
    """A JPEG stored 200x100, left half red and right half blue, that a phone took upright:
    its EXIF says to turn it a quarter clockwise (6), so upright it is 100x200, red on top."""
    stored = np.zeros((100, 200, 3), np.uint8)
    stored[:, :100], stored[:, 100:] = RED, BLUE
    exif = Image.Exif()
    exif[0x0112] = orientation
    return _save(path, Image.fromarray(stored), exif=exif.tobytes(), quality=95)


def _load(path, **kwargs):
    return data.load_image_folder(path, verbose=False, **kwargs)


def _colour(image: np.ndarray) -> tuple:
    return tuple(np.round(image.reshape(-1, 3).mean(axis=0) * 255).astype(int))


def _close(colour, expected, atol=12) -> bool:
    return bool(np.all(np.abs(np.array(colour) - np.array(expected)) <= atol))


# --------------------------------------------------------------------------- the judged folder


@pytest.fixture
def phone_folder(tmp_path) -> Path:
    """Three Korean-named classes: two folders named in NFD as a Mac writes them, one NFC;
    sideways phone photos; a WebP; a Mac zip's __MACOSX with its resource forks; a
    Windows Thumbs.db, a desktop.ini and a NAS's @eaDir."""
    root = tmp_path / "my_photos"
    for i in range(2):
        _sideways_photo(root / nfd(CAT) / f"IMG_{i}.jpg")
        _save(root / DOG / f"{i}.png", Image.new("RGB", (40, 30), GREEN))
        _save(root / nfd(BUTTERFLY) / f"{i}.jpg", Image.new("RGB", (30, 40), BLUE))
    _save(root / DOG / "web.webp", Image.new("RGB", (32, 32), GREEN), quality=90)
    macosx = root / "__MACOSX" / nfd(CAT)
    macosx.mkdir(parents=True)
    (macosx / "._IMG_0.jpg").write_bytes(b"\x00\x05\x16\x07resource fork")
    (root / nfd(CAT) / "._IMG_1.jpg").write_bytes(b"\x00\x05\x16\x07resource fork")
    (root / DOG / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "desktop.ini").write_text("[.ShellClassInfo]\n")
    _save(
        root / nfd(BUTTERFLY) / "@eaDir" / "0.jpg" / "SYNOPHOTO_THUMB_S.jpg",
        Image.new("RGB", (8, 8)),
    )
    return root


def test_a_phone_folder_loads_as_a_learner_expects_with_every_oddity_reported(phone_folder):
    got = _load(phone_folder, size=8)
    # classes: NFC names, sorted as NFC, no __MACOSX class; the WebP counts
    assert got.class_names == tuple(sorted([CAT, DOG, BUTTERFLY]))
    assert all(unicodedata.is_normalized("NFC", name) for name in got.class_names)
    assert got.counts() == {DOG: 3, BUTTERFLY: 2, CAT: 2}
    assert f"{DOG}/web.webp" in got.files
    # the sideways photos are upright: red on top, blue below
    for rel in (f"{nfd(CAT)}/IMG_0.jpg", f"{nfd(CAT)}/IMG_1.jpg"):
        image = got.x[got.files.index(rel)]
        assert _close(_colour(image[:3]), RED) and _close(_colour(image[-3:]), BLUE)
    # every oddity is reported, with what it is
    skipped = dict(got.skipped)
    assert set(skipped) == {
        "__MACOSX",
        "desktop.ini",
        f"{DOG}/Thumbs.db",
        f"{nfd(CAT)}/._IMG_1.jpg",
        f"{nfd(BUTTERFLY)}/@eaDir",
    }
    assert skipped["__MACOSX"] == "macOS zip metadata folder, not a class: 1 file(s) in it not read"
    assert skipped["desktop.ini"] == "Windows folder settings, not an image"
    assert "Windows thumbnail cache" in skipped[f"{DOG}/Thumbs.db"]
    assert "resource fork" in skipped[f"{nfd(CAT)}/._IMG_1.jpg"]
    assert "Synology" in skipped[f"{nfd(BUTTERFLY)}/@eaDir"]
    notes = dict(got.notes)
    assert notes[f"{nfd(CAT)}/IMG_0.jpg"] == "turned upright by its EXIF orientation 6"
    assert f"read as {CAT!r} (NFC)" in notes[nfd(CAT)]
    assert f"read as {BUTTERFLY!r} (NFC)" in notes[nfd(BUTTERFLY)]
    assert DOG not in notes  # already NFC: nothing to say
    summary = got.summary()
    assert "skipped 5 file(s)" in summary and "noted 4 file(s)" in summary


def test_the_judged_folder_reads_the_same_from_the_cache(phone_folder, tmp_path):
    first = _load(phone_folder, size=8, cache_dir=tmp_path / "cache")
    again = _load(phone_folder, size=8, cache_dir=tmp_path / "cache")
    assert again.from_cache and not first.from_cache
    assert (again.class_names, again.files) == (first.class_names, first.files)
    assert (again.skipped, again.notes) == (first.skipped, first.notes)
    np.testing.assert_array_equal(again.x, first.x)


# --------------------------------------------------------------------------- EXIF orientation


def test_a_jpeg_stored_200x100_with_orientation_6_loads_as_portrait(tmp_path, monkeypatch):
    file = _sideways_photo(tmp_path / "IMG.jpg")
    with Image.open(file) as stored:
        assert stored.size == (200, 100)
    # the loader's own decoding, before its square resize, sees a portrait
    seen = {}
    real = folder_module._to_rgb

    def spy(image):
        seen["size"] = image.size
        return real(image)

    monkeypatch.setattr(folder_module, "_to_rgb", spy)
    pixels, orientation = folder_module._read_image(file, 20, draft=False)
    assert seen["size"] == (100, 200) and orientation == 6
    assert _close(_colour(pixels[:5] / 255), RED) and _close(_colour(pixels[-5:] / 255), BLUE)


@pytest.mark.parametrize(
    ("orientation", "top"), [(1, None), (3, None), (6, RED), (8, BLUE)], ids=str
)
def test_each_orientation_is_applied(tmp_path, orientation, top):
    pixels, seen = folder_module._read_image(_sideways_photo(tmp_path / "a.jpg", orientation), 20)
    assert seen == orientation
    if top is None:  # not turned a quarter: red and blue stay side by side
        left, right = _colour(pixels[:, :5] / 255), _colour(pixels[:, -5:] / 255)
        assert {_close(left, RED), _close(right, RED)} == {True, False}
    else:
        assert _close(_colour(pixels[:5] / 255), top)


# --------------------------------------------------------------------------- names


def test_nfd_and_nfc_folder_names_give_the_same_classes(tmp_path):
    results = []
    for form in ("NFC", "NFD"):
        root = tmp_path / form
        for name, colour in ((CAT, RED), (DOG, GREEN), ("zebra", BLUE)):
            for i in range(2):
                _save(
                    root / unicodedata.normalize(form, name) / f"{i}.png",
                    Image.new("RGB", (9, 9), colour),
                )
        results.append(_load(root, size=4))
    nfc, decomposed = results
    assert nfc.class_names == decomposed.class_names == tuple(sorted([CAT, DOG, "zebra"]))
    np.testing.assert_array_equal(nfc.x, decomposed.x)
    np.testing.assert_array_equal(nfc.y, decomposed.y)
    assert nfc.notes == () and len(decomposed.notes) == 2  # the two Korean names


def test_a_name_in_both_forms_is_one_class(tmp_path):
    root = tmp_path / "mixed"
    _save(root / CAT / "windows.png", Image.new("RGB", (9, 9), RED))
    _save(root / nfd(CAT) / "mac.png", Image.new("RGB", (9, 9), RED))
    _save(root / DOG / "0.png", Image.new("RGB", (9, 9), GREEN))
    _save(root / DOG / "1.png", Image.new("RGB", (9, 9), GREEN))
    got = _load(root, size=4)
    assert got.class_names == (DOG, CAT) and got.counts() == {DOG: 2, CAT: 2}
    assert "2 folders named so (NFC and NFD) merged" in dict(got.notes)[CAT]
    with pytest.raises(ValueError, match="cannot merge folders.*NFC and NFD"):
        data.folder_dataset(root, size=4)


def test_only_system_folders_besides_one_class_is_refused(tmp_path):
    _save(tmp_path / "f" / "cats" / "0.png", Image.new("RGB", (9, 9)))
    _save(tmp_path / "f" / "__MACOSX" / "cats" / "._0.png", Image.new("RGB", (9, 9)))
    with pytest.raises(ValueError, match="at least 2 class sub-folders.*only 'cats'"):
        _load(tmp_path / "f")


# --------------------------------------------------------------------------- formats


def test_webp_is_read_and_keras_pipeline_leaves_it_out_with_nfc_class_names(tmp_path):
    root = tmp_path / "w"
    for i in range(2):
        _save(root / nfd(CAT) / f"{i}.png", Image.new("RGB", (9, 9), RED))
        _save(root / DOG / f"{i}.png", Image.new("RGB", (9, 9), GREEN))
    _save(root / DOG / "2.webp", Image.new("RGB", (9, 9), GREEN), lossless=True)
    ours = _load(root, size=4)
    assert f"{DOG}/2.webp" in ours.files and len(ours.files) == 5
    np.testing.assert_allclose(
        ours.x[ours.files.index(f"{DOG}/2.webp")], np.array(GREEN) / 255 + 0 * ours.x[0]
    )
    theirs = data.folder_dataset(root, size=4, batch_size=8)
    assert theirs.class_names == list(ours.class_names)
    assert len(theirs.file_paths) == 4 and not any(p.endswith(".webp") for p in theirs.file_paths)


def test_heic_without_pillow_heif_is_reported_with_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(folder_module, "_heif_available", lambda: False)
    root = tmp_path / "h"
    for name in ("a", "b"):
        for i in range(2):
            _save(root / name / f"{i}.png", Image.new("RGB", (9, 9)))
    (root / "a" / "IMG_0001.HEIC").write_bytes(b"\x00\x00\x00\x18ftypheic")
    got = _load(root, size=4)
    assert dict(got.skipped) == {
        "a/IMG_0001.HEIC": "HEIC needs pillow-heif: pip install pillow-heif"
    }


def test_heic_is_read_where_pillow_heif_is_installed(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    root = tmp_path / "h"
    for name, colour in (("a", RED), ("b", BLUE)):
        for i in range(2):
            _save(root / name / f"{i}.heic", Image.new("RGB", (32, 32), colour), quality=95)
    got = _load(root, size=4)
    assert got.skipped == () and got.counts() == {"a": 2, "b": 2}
    assert _close(_colour(got.x[0]), RED) and _close(_colour(got.x[-1]), BLUE)


# --------------------------------------------------------------------------- speed, same pixels


def test_draft_decoding_of_a_large_jpeg_stays_close_to_a_full_decode(tmp_path):
    rng = np.random.default_rng(0)
    smooth = Image.fromarray(rng.integers(0, 256, (12, 16, 3), dtype=np.uint8))
    file = _save(tmp_path / "big.jpg", smooth.resize((1600, 1200), Image.Resampling.BICUBIC))
    with Image.open(file) as image:
        assert image.draft("RGB", (75, 75))[1][2] == 1600 / 8  # decoded at 1/8: 200x150
    fast, _ = folder_module._read_image(file, 75, draft=True)
    full, _ = folder_module._read_image(file, 75, draft=False)
    difference = np.abs(fast.astype(int) - full.astype(int))
    assert difference.mean() < 1.0 and difference.max() <= 8  # grey levels of 255


def test_threads_change_nothing_but_the_time(phone_folder):
    one = _load(phone_folder, size=8, workers=1)
    three = _load(phone_folder, size=8, workers=3)
    assert (one.files, one.skipped, one.notes) == (three.files, three.skipped, three.notes)
    np.testing.assert_array_equal(one.x, three.x)
    np.testing.assert_array_equal(one.y, three.y)


def _plain_decode(file: Path, size: int) -> np.ndarray:
    """The loader before issue 22: decode, RGB, bilinear resize, nothing else."""
    with Image.open(file) as image:
        image.load()
        rgb = folder_module._to_rgb(image)
    return np.asarray(rgb.resize((size, size), Image.Resampling.BILINEAR), dtype=np.uint8)


@pytest.mark.parametrize(("draft", "workers"), [(True, None), (False, 1), (True, 2)])
def test_the_course_folders_arrays_are_exactly_the_plain_decodes(tmp_path, draft, workers):
    folder = data.write_course_folder(tmp_path / "course", images_per_class=3, seed=1)
    got = _load(folder, size=75, draft=draft, workers=workers)
    assert got.skipped == () and got.notes == ()
    assert got.class_names == tuple(sorted(p.name for p in folder.iterdir() if p.is_dir()))
    expected = np.stack([_plain_decode(folder / rel, 75) for rel in got.files])
    np.testing.assert_array_equal(got.x, expected.astype(np.float32) / np.float32(255.0))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workers": 0}, r"workers must be an int in \[1, 64\].*Received: workers=0"),
        ({"workers": "2"}, r"workers.*Received: workers='2'"),
        ({"workers": 1.5}, r"workers.*Received: workers=1.5"),
        ({"draft": "yes"}, r"draft must be True or False. Received: draft='yes'"),
    ],
)
def test_bad_draft_or_workers_is_a_value_error_naming_what_was_received(tmp_path, kwargs, message):
    for name in ("a", "b"):
        for i in range(2):
            _save(tmp_path / "f" / name / f"{i}.png", Image.new("RGB", (9, 9)))
    with pytest.raises(ValueError, match=message):
        _load(tmp_path / "f", **kwargs)
