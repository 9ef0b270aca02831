"""inception_edu.data.read_image: one photograph read exactly as the folder's images are."""

import numpy as np
import pytest
from PIL import Image

from inception_edu.data import load_image_folder, read_image


def test_a_file_reads_as_its_folder_reads_it(tmp_path):
    rng = np.random.default_rng(0)
    for name in ("cat", "dog"):
        (tmp_path / name).mkdir()
        pixels = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(tmp_path / name / "a.jpg", quality=90)
        Image.fromarray(pixels[::-1]).save(tmp_path / name / "b.png")
    folder = load_image_folder(tmp_path, size=32, min_images_per_class=1, verbose=False)
    for index, name in enumerate(folder.files):
        one = read_image(tmp_path / name, size=32)
        assert one.dtype == np.float32 and one.shape == (32, 32, 3)
        np.testing.assert_array_equal(one, folder.x[index])


def test_exif_orientation_is_applied(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 clockwise to view
    wide = np.zeros((100, 200, 3), np.uint8)
    wide[:, :100] = 255  # left half white, right half black
    Image.fromarray(wide).save(tmp_path / "halves.jpg", exif=exif, quality=95)
    upright = read_image(tmp_path / "halves.jpg", size=20)
    assert upright[:10].mean() > 0.8 and upright[10:].mean() < 0.2  # white on top


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("missing.jpg", None, "not a file"),
        ("notes.txt", b"hello", "extension .txt is not an image extension"),
        ("broken.jpg", b"\xff\xd8 not really", "not an image Pillow can read"),
    ],
)
def test_a_file_that_is_not_an_image_is_a_clear_error(tmp_path, name, content, says):
    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(ValueError, match=says):
        read_image(tmp_path / name)


def test_a_bad_size_or_path_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="size"):
        read_image(tmp_path / "x.jpg", size=0)
    with pytest.raises(ValueError, match="path must be an image file's path"):
        read_image(3)
