"""An editor runs a match from the desk with the keyboard while a fan watches in another browser context."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from commentary.models import Entry
from tests.conftest import make_match, publish
from tests.e2e.conftest import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "x-Secret-123"


def make_editor(username: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True, first_name=username.title())
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def log_in(page, server, username):
    page.goto(f"{server.url}/admin/login/")
    page.locator("#id_username").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#user-tools")).to_be_visible()


def tab_to(page, selector: str, limit: int = 80):
    """Move the focus with the Tab key alone until it reaches `selector`."""
    target = page.locator(selector)
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def choose(page, select: str, option_label: str):
    """Pick an option of a <select> with the arrow keys, as a keyboard user does (typing ahead depends on how
    fast one types: a loaded machine types slowly)."""
    tab_to(page, select)
    page.keyboard.press("Home")
    for _ in range(40):
        if page.locator(select).evaluate("el => el.selectedOptions[0].text") == option_label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{option_label!r} is not an option of {select}")


KIND = "#composer [name=kind]:checked"


def send(desk, key: str = "Enter"):
    """Press the key that publishes, then wait as an editor does for the composer to come back from the server
    (its answer replaces the form): what is typed before that would go into the form being replaced."""
    with desk.expect_response(re.compile(r"/admin/desk/\d+/publish/$")):
        desk.keyboard.press(key)
    expect(desk.locator("#composer.htmx-request")).to_have_count(0)


def choose_kind(page, label: str):
    """Pick a kind among the composer's radio buttons with the arrow keys, as a keyboard user does."""
    tab_to(page, KIND)
    for _ in range(40):
        if page.locator(KIND).evaluate("el => el.closest('label').textContent.trim()") == label:
            return
        page.keyboard.press("ArrowRight")
    raise AssertionError(f"{label!r} is not a kind of the composer")


@pytest.fixture
def desk_and_fan(browser, server):
    match = make_match()
    make_editor("giulia")
    editor = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    fan = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    desk, fan_page = editor.new_page(), fan.new_page()
    blocked = [csp_violations(desk), csp_violations(fan_page)]
    log_in(desk, server, "giulia")
    desk.goto(f"{server.url}/admin/desk/{match.pk}/")
    expect(desk.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
    fan_page.goto(f"{server.url}/matches/{match.pk}/")
    expect(fan_page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
    yield match, desk, fan_page
    editor.close()
    fan.close()
    assert blocked == [[], []], "the desk or the fan page did something their Content Security Policy forbids"


def test_editor_runs_the_match_with_the_keyboard_and_the_fan_follows(desk_and_fan):
    match, desk, fan = desk_and_fan
    home_code = match.home_team.code

    tab_to(desk, "[data-clock-kind=kick_off]")
    desk.keyboard.press("Enter")
    expect(fan.locator("#feed article").first).to_have_class(re.compile("entry--kick_off"))
    expect(fan.locator("#scoreboard")).to_contain_text("Primo tempo")

    # a goal by shirt number: kind, team, player, then Enter on the kind
    choose_kind(desk, "Gol")
    choose(desk, "#id_team", match.home_team.short_name)
    tab_to(desk, "#id_player")
    desk.keyboard.type("10")
    tab_to(desk, "#id_text")
    desk.keyboard.type("Destro a giro, palla all'incrocio!")
    send(desk, "Control+Enter")
    expect(fan.locator("#scoreboard [data-score=home]")).to_have_text("1")
    expect(fan.locator("#feed article").first).to_contain_text(f"G10-{home_code}")

    # a booking
    choose_kind(desk, "Ammonizione")
    choose(desk, "#id_team", match.away_team.short_name)
    tab_to(desk, "#id_player")
    desk.keyboard.type("5")
    tab_to(desk, KIND)
    send(desk)
    expect(fan.locator("#feed article").first).to_have_class(re.compile("entry--yellow_card"))

    # a substitution: off 9, on 12
    choose_kind(desk, "Sostituzione")
    choose(desk, "#id_team", match.home_team.short_name)
    tab_to(desk, "#id_player")
    desk.keyboard.type("9")
    tab_to(desk, "#id_player2")
    desk.keyboard.type("12")
    tab_to(desk, KIND)
    send(desk)
    expect(fan.locator("#feed article").first).to_contain_text(f"Entra G12-{home_code}")
    assert Entry.objects.filter(match=match).count() == 4

    # the composer is ready again, and the substituted player left the pickers
    expect(desk.locator("#id_player")).to_have_value("")
    expect(desk.locator(f'#players-on-pitch option[value^="9 G9-{home_code}"]')).to_have_count(0)
    expect(desk.locator(f'#players-on-pitch option[value^="12 G12-{home_code}"]')).to_have_count(1)


def test_field_error_is_shown_and_nothing_is_published(desk_and_fan):
    match, desk, fan = desk_and_fan
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    choose_kind(desk, "Gol")
    tab_to(desk, "#id_player")
    desk.keyboard.type("99")
    desk.keyboard.press("Shift+Tab")
    tab_to(desk, KIND)
    desk.keyboard.press("Enter")
    expect(desk.locator("#id_player-error")).to_contain_text("Nessun giocatore")
    assert Entry.objects.filter(match=match).count() == 1


def test_an_error_on_a_field_the_kind_hides_is_shown_and_focused(desk_and_fan):
    """A VAR "goal disallowed" with no goal to disallow: the error is on the event it overturns, a field the
    composer only shows for that outcome; it is visible, read out and focused, and nothing is published."""
    match, desk, fan = desk_and_fan
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    desk.locator("#composer").get_by_role("radio", name="VAR", exact=True).check()
    desk.locator("#id_var_outcome").select_option(label="Gol annullato")
    desk.locator("#id_team").select_option(label=match.home_team.short_name)
    desk.locator("#id_text").press("Control+Enter")
    error = desk.locator("#id_overturns-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(re.compile("Non c'è una voce da annullare"))
    expect(error).to_have_attribute("role", "alert")
    expect(desk.locator("#id_overturns")).to_be_focused()
    assert Entry.objects.filter(match=match).count() == 1


def test_edit_delete_and_a_script_reach_the_fan_safely(desk_and_fan):
    match, desk, fan = desk_and_fan
    tab_to(desk, "#id_text")
    desk.keyboard.type('<script>document.title="hacked"</script>Attenzione alle formazioni')
    desk.keyboard.press("Control+Enter")
    article = fan.locator("#feed article").first
    expect(article).to_contain_text('<script>document.title="hacked"</script>')
    assert fan.title() != "hacked"

    entry = Entry.objects.get(match=match)
    desk.locator(f"#entry-{entry.pk} .desk-tools button", has_text="Modifica").click()
    dialog = desk.locator("#edit-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#edit_text").fill("Formazioni ufficiali tra poco")
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    expect(fan.locator(f"#entry-{entry.pk}")).to_contain_text("Formazioni ufficiali tra poco")

    desk.on("dialog", lambda d: d.accept())
    desk.locator(f"#entry-{entry.pk} .desk-tools button", has_text="Cancella").click()
    expect(desk.locator("#desk-messages")).to_contain_text("Voce cancellata")
    expect(fan.locator(f"#entry-{entry.pk}")).to_have_count(0)


def test_second_editor_sees_entries_and_a_stale_edit_is_refused(desk_and_fan, browser, server):
    match, desk, fan = desk_and_fan
    make_editor("marco")
    context = browser.new_context(locale="it-IT")
    other = context.new_page()
    log_in(other, server, "marco")
    other.goto(f"{server.url}/admin/desk/{match.pk}/")
    expect(other.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)

    tab_to(desk, "#id_text")
    desk.keyboard.type("Scritta da Giulia")
    desk.keyboard.press("Control+Enter")
    entry_on_other = other.locator("#feed article").first
    expect(entry_on_other).to_contain_text("Scritta da Giulia")
    entry = Entry.objects.get(match=match)

    # both open the entry; Giulia saves first, Marco's save is refused, not silently applied
    desk.locator(f"#entry-{entry.pk} .desk-tools button", has_text="Modifica").click()
    other.locator(f"#entry-{entry.pk} .desk-tools button", has_text="Modifica").click()
    desk.locator("#edit_text").fill("Versione di Giulia")
    desk.locator("#edit-dialog button[type=submit]").click()
    expect(desk.locator("#edit-dialog")).to_be_hidden()
    other.locator("#edit_text").fill("Versione di Marco")
    other.locator("#edit-dialog button[type=submit]").click()
    expect(other.locator("#edit-dialog .errornote")).to_contain_text("modificata da giulia")
    expect(fan.locator(f"#entry-{entry.pk}")).to_contain_text("Versione di Giulia")
    entry.refresh_from_db()
    assert entry.text == "Versione di Giulia"
    context.close()


def test_typed_text_comes_back_after_a_reload(desk_and_fan):
    match, desk, fan = desk_and_fan
    desk.locator("#id_text").fill("")
    desk.locator("#id_text").press_sequentially("Formazioni ufficiali in arrivo, restate con noi")
    desk.wait_for_timeout(800)  # kept as it is typed (half a second after the last key)
    desk.reload()
    expect(desk.locator("#id_text")).to_have_value("Formazioni ufficiali in arrivo, restate con noi")
    expect(desk.locator("#desk-messages")).to_contain_text("Testo recuperato")
    assert not Entry.objects.filter(match=match).exists()  # recovered, not published
    desk.locator("#id_text").focus()
    send(desk, "Control+Enter")
    expect(fan.locator("#feed article").first).to_contain_text("Formazioni ufficiali in arrivo")
    desk.reload()  # once published, nothing comes back
    expect(desk.locator("#id_text")).to_have_value("")


def test_text_typed_while_a_publish_is_on_its_way_stays_in_the_composer(desk_and_fan):
    match, desk, fan = desk_and_fan
    held = []
    desk.route(re.compile(r"/admin/desk/\d+/publish/$"), lambda route: held.append(route))
    text = desk.locator("#id_text")
    text.press_sequentially("Primo tempo vivace")
    text.press("Control+Enter")
    desk.wait_for_function("document.querySelector('#composer.htmx-request') !== null")
    text.press("Enter")
    text.press_sequentially("Intanto si scalda Pulisic")  # typed while the publish is on its way
    assert len(held) == 1
    with desk.expect_response(re.compile(r"/publish/$")):
        held[0].continue_()
    desk.unroute(re.compile(r"/admin/desk/\d+/publish/$"))
    expect(desk.locator("#composer .composer__ok")).to_be_visible()
    expect(desk.locator("#id_text")).to_have_value("Intanto si scalda Pulisic")
    expect(fan.locator("#feed article").first).to_contain_text("Primo tempo vivace")
    assert "Pulisic" not in Entry.objects.get(match=match).text


def jpeg_with_gps() -> bytes:
    import io

    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (45.0, 28.0, 42.0),
    }
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 30, 40)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_a_photo_from_the_desk_reaches_the_fan_without_its_exif(desk_and_fan, server):
    import io
    import urllib.request

    from PIL import Image

    match, desk, fan = desk_and_fan
    desk.locator(".composer__picture > summary").click()
    desk.locator("#id_picture").set_input_files(
        {"name": "curva.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}
    )
    desk.locator("#id_alt").fill("La curva sud prima del fischio d'inizio")
    desk.locator("#id_credit").fill("Redazione Diretta")
    desk.locator("#id_text").fill("Colpo d'occhio a San Siro")
    send(desk, "Control+Enter")
    image = fan.locator("#feed article .entry__picture img").first
    expect(image).to_have_attribute("alt", "La curva sud prima del fischio d'inizio")
    expect(image).to_have_attribute("width", "1200")
    expect(fan.locator("#feed article .entry__picture figcaption")).to_contain_text("Redazione Diretta")
    for candidate in image.get_attribute("srcset").split(", "):
        stored = Image.open(io.BytesIO(urllib.request.urlopen(server.url + candidate.split()[0]).read()))
        assert stored.format == "WEBP" and not stored.getexif() and "exif" not in stored.info


def decompression_bomb() -> bytes:
    """A small PNG that would decode to 144 million pixels."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_file_that_is_no_photo_or_is_too_big_is_refused_in_words(desk_and_fan):
    match, desk, fan = desk_and_fan
    desk.locator(".composer__picture > summary").click()
    desk.locator("#id_picture").set_input_files(
        {
            "name": "logo.svg",
            "mimeType": "image/svg+xml",
            "buffer": b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        }
    )
    desk.locator("#id_alt").fill("Un logo")
    desk.locator("#id_text").fill("Con un logo")
    send(desk, "Control+Enter")
    expect(desk.locator("#id_picture-error")).to_contain_text("non è una foto")
    expect(desk.locator("#id_text")).to_have_value("Con un logo")  # nothing typed is lost
    for name, buffer, message in (
        ("foto.jpg", b"#!/bin/sh\nrm -rf /\n" * 50, "non è una foto"),  # a script renamed .jpg
        ("bomba.png", decompression_bomb(), "troppi pixel"),
    ):
        desk.locator(".composer__picture").evaluate("details => { details.open = true; }")
        desk.locator("#id_picture").set_input_files(
            {"name": name, "mimeType": "image/jpeg", "buffer": buffer}
        )
        desk.locator("#id_alt").fill("Una foto")
        desk.locator("#id_text").focus()
        send(desk, "Control+Enter")
        expect(desk.locator("#id_picture-error")).to_contain_text(message)
    # 40 MB: refused before it travels
    desk.locator("#id_picture").set_input_files(
        {"name": "enorme.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8" + b"0" * (40 * 1024 * 1024)}
    )
    expect(desk.locator("#desk-messages")).to_contain_text("il massimo è 10 MB")
    assert not Entry.objects.filter(match=match).exists()


def test_a_contributor_proposes_the_editor_approves_and_the_fan_sees_it(desk_and_fan, browser, server):
    match, desk, fan = desk_and_fan  # desk: giulia, an editor
    writer = User.objects.create_user("marta", password=PASSWORD, is_staff=True, first_name="Marta")
    writer.groups.add(Group.objects.get(name="Contributors"))
    context = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    contributor = context.new_page()
    log_in(contributor, server, "marta")
    contributor.goto(f"{server.url}/admin/desk/{match.pk}/")
    expect(contributor.get_by_role("button", name="Pubblica", exact=True)).to_have_count(0)
    contributor.locator("#id_text").fill(
        "In tribuna anche la leggenda rossonera: applausi da tutto lo stadio"
    )
    with contributor.expect_response(re.compile(r"/propose/$")):
        contributor.locator("#id_text").press("Control+Enter")
    expect(contributor.locator("#composer")).to_contain_text("Proposta inviata")
    assert not fan.locator("#feed").inner_text().count("leggenda rossonera")

    queue = desk.locator("#desk-drafts")
    expect(queue).to_contain_text("leggenda rossonera", timeout=10_000)  # the editor's queue, by itself
    queue.get_by_role("button", name="Approva e pubblica").click()
    expect(fan.locator("#feed article").first).to_contain_text("leggenda rossonera")
    expect(contributor.locator("#desk-drafts")).not_to_contain_text("leggenda rossonera", timeout=10_000)
    context.close()


def test_the_desk_logs_shots_and_corners_and_the_fans_numbers_move(desk_and_fan):
    match, desk, fan = desk_and_fan
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    desk.reload()
    numbers = desk.locator(".desk-numbers")
    home_buttons = numbers.get_by_role("group", name=match.home_team.short_name)
    with desk.expect_response(re.compile(r"/stats/$")):
        home_buttons.get_by_role("button", name="Angolo").click()
    corners = fan.locator("#stats tr", has_text="Calci d'angolo")
    expect(corners.locator("td").first).to_have_text("1")
    numbers.locator("[data-shot-pitch]").click(position={"x": 300, "y": 60})
    with desk.expect_response(re.compile(r"/stats/$")):
        numbers.get_by_role("button", name="In porta").click()
    expect(fan.locator("#stats tr", has_text="Tiri in porta").locator("td").first).to_have_text("1")
    expect(fan.locator("#stats .shot-map__shot")).to_have_count(1)
