"""Pictures from the desk: verified as real images, stored without a trace of the original file (no EXIF, no
GPS), in a few widths; anything else is refused in words, and nothing of it is kept."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from commentary.domain.pictures import picture_upload
from commentary.models import Entry, Picture, Update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(width=2400, height=1600, fmt="JPEG", gps=True, name="foto.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), (30, 120, 60))
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Telefono del fotografo"
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (45.0, 28.0, 42.0),
        }
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif) if fmt != "PNG" else image.save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


def test_a_photo_is_stored_in_widths_with_no_exif_and_no_gps(match, media):
    upload = photo()
    assert (
        Image.open(io.BytesIO(upload.read())).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    )  # the original has GPS
    picture = picture_upload(match=match, upload=upload, alt="Leão esulta sotto la curva", credit="Redazione")
    assert sorted(picture.variants) == ["1600", "480", "960"] and (picture.width, picture.height) == (
        1600,
        1067,
    )
    for path in stored_files(media):
        stored = Image.open(path)
        assert stored.format == "WEBP"
        assert not stored.getexif() and "exif" not in stored.info and "icc_profile" not in stored.info
    assert picture.srcset.count("w,") == 2 and picture.src.endswith("/1600.webp")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("x.jpg", b"#!/bin/sh\nrm -rf /\n" * 20, content_type="image/jpeg"),
            "non è una foto",
        ),
        (
            SimpleUploadedFile(
                "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
            ),
            "non è una foto",
        ),
        (photo(12000, 10000, fmt="PNG", name="bomba.png"), "troppi pixel"),
        (SimpleUploadedFile("grande.jpg", b"\xff\xd8" + b"0" * (40 * 1024 * 1024)), "il massimo è 10 MB"),
        (SimpleUploadedFile("mezza.jpg", photo().read()[:5000]), "non è una foto"),
    ],
    ids=["script renamed .jpg", "svg", "decompression bomb", "40 MB", "truncated"],
)
def test_anything_but_a_sound_photo_is_refused_in_words_and_nothing_is_kept(match, media, upload, message):
    with pytest.raises(Exception) as refused:
        picture_upload(match=match, upload=upload, alt="Qualcosa")
    assert message in " ".join(refused.value.messages)
    assert not Picture.objects.exists() and stored_files(media) == []


def test_a_photo_needs_words_for_those_who_cannot_see_it(match, media):
    with pytest.raises(Exception) as refused:
        picture_upload(match=match, upload=photo(), alt="  ")
    assert "testo alternativo" in " ".join(refused.value.messages)
    assert stored_files(media) == []


def test_the_desk_publishes_a_photo_with_its_entry_live_and_on_the_page(client, editor, match, media):
    client.force_login(editor)
    url = reverse("desk-publish", args=[match.pk])
    data = {"kind": "commentary", "added_minute": 0, "text": "Il riscaldamento a San Siro"}
    client.post(url, {**data, "picture": photo(), "alt": "Il riscaldamento", "caption": "Prima del via"})
    entry = Entry.objects.get(match=match)
    (picture,) = entry.pictures.all()
    frame = Update.objects.get(match=match).html
    assert 'srcset="' in frame and 'width="1600" height="1067"' in frame and 'alt="Il riscaldamento"' in frame
    page = client.get(reverse("match-detail", args=[match.pk])).content.decode()
    assert 'loading="lazy"' in page and "Prima del via" in page
    served = client.get(picture.src)
    assert served.status_code == 200 and "immutable" in served["Cache-Control"]
    # the same photo in the API and, as an enclosure, in the match's Atom feed
    (api_entry,) = client.get(f"/api/matches/{match.pk}/entries/").json()["entries"]
    assert api_entry["pictures"][0]["alt"] == "Il riscaldamento" and api_entry["pictures"][0]["width"] == 1600
    feed = client.get(f"/matches/{match.pk}/feed/").content.decode()
    assert (
        'rel="enclosure"' in feed
        and f"http://testserver{picture.src}" in feed
        and 'type="image/webp"' in feed
    )
    # an entry the rules refuse keeps nothing of its photo
    before = len(stored_files(media))
    answer = client.post(url, {"kind": "goal", "added_minute": 0, "picture": photo(), "alt": "Gol"})
    assert "composer__error" in answer.content.decode()
    assert Picture.objects.count() == 1 and len(stored_files(media)) == before


def test_an_entry_may_carry_several_photos_all_or_nothing(client, editor, match, media):
    client.force_login(editor)
    url = reverse("desk-publish", args=[match.pk])
    data = {"kind": "commentary", "added_minute": 0, "text": "Due immagini dal riscaldamento"}
    svg = SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    answer = client.post(
        url, {**data, "picture": [photo(), svg], "alt": ["Prima", "Seconda"]}
    ).content.decode()
    assert "Foto 2: Il file non è una foto" in answer
    assert not Picture.objects.exists() and stored_files(media) == [] and not Entry.objects.exists()
    client.post(url, {**data, "picture": [photo(), photo(800, 600)], "alt": ["Prima", "Seconda"]})
    entry = Entry.objects.get(match=match)
    assert [p.alt for p in entry.pictures.all()] == ["Prima", "Seconda"]
    assert entry.pictures.last().width == 800  # never wider than the original
