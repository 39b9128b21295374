"""The front door in a browser, through its real pages, as the people who use it.

A school rings about two siblings. The contact officer records the contact: one child is found
through the search step, the other is added as a new person (the likely existing record is
shown first, and the officer decides it is someone else). A missing answer is explained in the
error summary before the contact is saved. Screened at level 3 into the MASH (amber), the
enquiry is taken by a MASH practitioner, who asks the police; the police answer through the
API; the practitioner decides on a referral for assessment and a front door manager signs it
off. Both children then wait on the district assessment team's list of new referrals.

And the front door view: its figures as tables, and recording a contact without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kinfold.api import services as api_tokens
from kinfold.front_door import services
from kinfold.front_door.codes import (
    ContactMethod,
    ContactStatus,
    Outcome,
    PrimaryNeed,
    Rag,
    ReferralSource,
    RequestStatus,
    SharingBasis,
)
from kinfold.front_door.models import (
    Contact,
    InformationRequest,
    MashEnquiry,
    Referral,
)
from kinfold.people.models import Person
from kinfold.people.search import refresh_search_keys
from tests.factories import AddressFactory, PersonFactory
from tests.front_door import conftest as front_door_world

from .helpers import assert_accessible, error_beside, error_summary, sign_in, summary_value, url

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("migration_defaults")]

# The front door's teams, workers, partners and postcodes, as its other tests have them.
front_door = front_door_world.front_door

CONCERNS = "Both children arrived at school hungry, and Tobias had bruises on his arms."
QUESTION = "Have the police been called to the family's address in the last year?"
ANSWER = "Two call-outs to the address in March for shouting; no arrests were made."
RATIONALE = "Level 3 needs met: neglect and a possible injury; police hold worrying history."


@pytest.fixture
def lindqvists(org):
    """Tobias Lindqvist, known to the register and living in the north district (FN1), and
    another Freya Lindqvist, born the day his sister was but living in the south."""
    tobias = PersonFactory(
        given_name="Tobias", family_name="Lindqvist", sex="M", date_of_birth=dt.date(2015, 3, 2)
    )
    AddressFactory(person=tobias, postcode="FN1 4AB", to_date=None)
    namesake = PersonFactory(
        given_name="Freya", family_name="Lindqvist", sex="F", date_of_birth=dt.date(2019, 8, 20)
    )
    AddressFactory(person=namesake, postcode="CB3 0AP", to_date=None)
    for person in (tobias, namesake):
        refresh_search_keys(person)
    return tobias, namesake


def sign_out(page: Page) -> None:
    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def api_post(address: str, token: str, body: dict) -> tuple[int, dict]:
    """POST JSON with the partner's bearer token, as the partner's system would."""
    request = urllib.request.Request(  # noqa: S310 - the live test server's http address
        address,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_two_siblings_go_from_a_phone_call_to_the_district_assessment_team(
    live_server, page, personas, password, front_door, lindqvists, org
):
    tobias, namesake = lindqvists
    officer = personas["contact_officer"]
    mash_worker, manager = front_door["mash_worker"], front_door["manager"]

    # ---- 1. The contact officer records the contact --------------------------------------
    sign_in(page, live_server, officer, password)
    page.get_by_role("link", name="Front door", exact=True).click()
    expect(page.get_by_role("heading", name="The front door", level=1)).to_be_visible()
    page.get_by_role("link", name="Contacts", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Record a contact").click()
    expect(page.get_by_role("heading", name="Record a contact", level=1)).to_be_visible()
    expect(page.get_by_text("No child is on the contact yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("The concerns, in their words").fill(CONCERNS)
    page.get_by_label("Name of the person contacting").fill("Designated safeguarding lead")
    page.get_by_role("button", name="Add a child").click()

    expect(page.get_by_role("heading", name="Who is the contact about?", level=1)).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Tobias Lindqvist")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    found = page.get_by_role("table", name="Records you can see that match, best first")
    row = found.get_by_role("row").filter(has_text=tobias.la_child_id)
    expect(row.get_by_role("link", name="Tobias Lindqvist")).to_be_visible()
    assert_accessible(page)
    row.get_by_role("button", name="Add Tobias Lindqvist").click()
    expect(page.get_by_text("Tobias Lindqvist was added to the contact")).to_be_visible()

    page.get_by_role("link", name="Add a new child").click()
    expect(page.get_by_role("heading", name="Add a person", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Given name").fill("Freya")
    page.get_by_label("Family name").fill("Lindqvist")
    fill_date(page, "Date of birth", namesake.date_of_birth)
    page.get_by_role("group", name="Sex").get_by_label("Female", exact=True).check()
    page.get_by_label("Address line 1").fill("4 Fen Road")
    page.get_by_label("Town or city").fill("Fenchester")
    page.get_by_label("Postcode").fill("FN1 4AB")
    page.get_by_role("button", name="Continue").click()

    expect(
        page.get_by_role("heading", name="Freya Lindqvist may already have a record", level=1)
    ).to_be_visible()
    possible = page.get_by_role("table", name="Possible existing records, most likely first")
    expect(
        possible.get_by_role("row")
        .filter(has_text=namesake.la_child_id)
        .get_by_role("link", name="Freya Lindqvist")
    ).to_be_visible()
    assert Person.objects.filter(given_name="Freya").count() == 1  # nothing saved yet
    assert_accessible(page)
    page.get_by_role("button", name="This is a new person — create the record").click()

    freya = Person.objects.filter(given_name="Freya", family_name="Lindqvist").exclude(
        pk=namesake.pk
    )
    assert freya.count() == 1
    freya = freya.get()
    expect(page).to_have_url(url(live_server, "front_door:new-contact-children"))
    expect(page.get_by_text("Freya Lindqvist was added to the contact")).to_be_visible()
    on_contact = page.get_by_role("table").filter(
        has=page.get_by_role("button", name=re.compile(r"^Remove"))
    )
    expect(on_contact).to_contain_text(tobias.la_child_id)
    expect(on_contact).to_contain_text(freya.la_child_id)
    expect(on_contact).not_to_contain_text(namesake.la_child_id)
    assert_accessible(page)
    page.get_by_role("link", name="Continue to the contact's details").click()

    # The details typed before finding the children are kept.
    expect(page.get_by_label("The concerns, in their words")).to_have_value(CONCERNS)
    expect(page.get_by_label("Name of the person contacting")).to_have_value(
        "Designated safeguarding lead"
    )
    page.get_by_role("group", name="How was the contact made?").get_by_label("Telephone").check()
    page.get_by_role("group", name=re.compile("^Has the family consented")).get_by_label(
        "Given", exact=True
    ).check()
    # Who made the contact is left out.
    page.get_by_role("button", name="Save the contact").click()

    expect(page).to_have_title(re.compile(r"^Record a contact - Error"))
    summary = error_summary(page)
    expect(summary).to_contain_text("Choose who made the contact")
    expect(error_beside(page, "id_source")).to_contain_text("Choose who made the contact")
    expect(page.get_by_label("The concerns, in their words")).to_have_value(CONCERNS)
    assert not Contact.objects.exists()
    assert_accessible(page)

    summary.get_by_role("link", name="Choose who made the contact").click()
    expect(page.get_by_label("Who made the contact?")).to_be_focused()
    page.get_by_label("Who made the contact?").select_option(label=ReferralSource.SCHOOL.label)
    page.get_by_role("button", name="Save the contact").click()

    contact = Contact.objects.get()
    expect(page).to_have_url(url(live_server, "front_door:contact", contact.pk))
    expect(page.get_by_text(f"Contact {contact.reference} was recorded")).to_be_visible()
    children = page.get_by_role("table").filter(has_text="What happens")
    expect(children.get_by_role("link", name="Tobias Lindqvist")).to_be_visible()
    expect(children.get_by_role("link", name="Freya Lindqvist")).to_be_visible()
    assert {link.person_id for link in contact.children.all()} == {tobias.pk, freya.pk}
    assert contact.source == ReferralSource.SCHOOL
    assert contact.method == ContactMethod.PHONE
    assert_accessible(page)

    # Screening: level 3, into the MASH, rated amber.
    page.get_by_role("link", name="Screen the contact").click()
    expect(
        page.get_by_role("heading", name="Screen the contact against the threshold", level=1)
    ).to_be_visible()
    assert_accessible(page)
    level_3 = front_door["levels"][3]
    page.get_by_role("group", name="Level of need").get_by_label(str(level_3)).check()
    page.get_by_role("group", name="Outcome").get_by_label(Outcome.MASH.label).check()
    page.get_by_label("Rationale").fill("Possible neglect: what do partners hold?")
    page.get_by_role("group", name="RAG rating (for a MASH enquiry)").get_by_label("Amber").check()
    page.get_by_label("Why this rating").fill("No immediate risk; injuries need explaining.")
    page.get_by_role("button", name="Save the screening").click()

    expect(page.get_by_text("The contact was screened: a MASH enquiry started")).to_be_visible()
    enquiry = MashEnquiry.objects.get(contact=contact)
    assert enquiry.rag == Rag.AMBER
    assert enquiry.owner is None
    contact.refresh_from_db()
    assert contact.status == ContactStatus.MASH
    assert contact.threshold_level == level_3
    assert_accessible(page)
    sign_out(page)

    # ---- 2. A MASH practitioner takes the enquiry and asks the police ---------------------
    sign_in(page, live_server, mash_worker, password)
    page.goto(url(live_server, "front_door:mash-list"))
    worklist = page.get_by_role(
        "table", name="Open MASH enquiries, overdue first, then by working time left"
    )
    row = worklist.get_by_role("row").filter(has_text=contact.reference)
    expect(row.get_by_role("link", name="Tobias Lindqvist")).to_be_visible()
    expect(row.get_by_role("link", name="Freya Lindqvist")).to_be_visible()
    expect(row).to_contain_text("Unassigned")
    assert_accessible(page)
    row.get_by_role("link", name=f"Enquiry {enquiry.pk}").click()

    expect(page.get_by_role("heading", name=f"MASH enquiry {enquiry.pk}", level=1)).to_be_visible()
    page.get_by_role("button", name="Take this enquiry").click()
    expect(page.get_by_text(f"You now hold MASH enquiry {enquiry.pk}")).to_be_visible()
    expect(summary_value(page, "Held by")).to_contain_text("(you)")
    assert_accessible(page)

    page.get_by_role("link", name="Ask an agency").click()
    expect(page.get_by_role("heading", name="Ask an agency what it holds", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Agency to ask").select_option(label=str(front_door["police"]))
    page.get_by_label("What you are asking").fill(QUESTION)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text(f"{front_door['police']} was asked")).to_be_visible()
    asked = InformationRequest.objects.get(enquiry=enquiry)
    assert asked.partner == front_door["police"]
    assert asked.status == RequestStatus.OPEN
    requests = page.get_by_role(
        "table", name="Information requests to partner agencies, in the order asked"
    )
    expect(requests).to_contain_text(QUESTION)
    expect(requests).to_contain_text("Awaiting a response")

    # ---- 3. The police answer through the API --------------------------------------------
    issued = api_tokens.issue_token(
        actor=personas["admin"], partner=front_door["police"], name="Niche RMS"
    )
    status, body = api_post(
        live_server.url + f"/api/v1/information-requests/{asked.pk}/response",
        issued.token,
        {
            "holds_information": True,
            "response": ANSWER,
            "sharing_basis": SharingBasis.SAFEGUARDING.value,
            "responder_name": "PC Example, MASH police researcher",
        },
    )
    assert status in (200, 201), body
    assert body["id"] == asked.pk
    assert body["status"] == RequestStatus.ANSWERED
    asked.refresh_from_db()
    assert asked.status == RequestStatus.ANSWERED
    assert asked.response == ANSWER

    page.reload()
    row = requests.get_by_role("row").filter(has_text=QUESTION)
    expect(row).to_contain_text("Answered")
    expect(row).to_contain_text(ANSWER)
    expect(row).to_contain_text("PC Example, MASH police researcher")
    expect(row).to_contain_text("(through the agency's system)")
    assert_accessible(page)

    # ---- 4. The MASH practitioner decides: a referral for assessment ----------------------
    page.get_by_role("link", name="Decide what response the contact needs").click()
    expect(page).to_have_url(url(live_server, "front_door:decide", contact.pk))
    assert_accessible(page)
    page.get_by_role("group", name="Outcome").get_by_label(Outcome.REFERRAL.label).check()
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_label("Primary need (for a referral)").select_option(label=PrimaryNeed.N1.label)
    page.get_by_label("Manager to sign the decision off").select_option(
        label=f"{manager.get_full_name()} ({manager.get_role_display()})"
    )
    page.get_by_role("button", name="Save the decision").click()

    expect(page).to_have_url(url(live_server, "front_door:contact", contact.pk))
    expect(page.get_by_text("The decision was saved: it awaits sign-off")).to_be_visible()
    expect(summary_value(page, "Sign-off")).to_contain_text(
        f"Awaiting sign-off by {manager.get_full_name()}"
    )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_SIGN_OFF
    assert contact.decision == Outcome.REFERRAL
    assert contact.primary_need == PrimaryNeed.N1
    assert contact.sign_off_by == manager
    assert_accessible(page)
    sign_out(page)

    # ---- 5. The front door manager signs it off ------------------------------------------
    sign_in(page, live_server, manager, password)
    page.goto(url(live_server, "front_door:contact", contact.pk))
    assert_accessible(page)
    page.get_by_role("link", name="Sign off or return the decision").click()
    expect(page.get_by_role("heading", name="Sign off the decision", level=1)).to_be_visible()
    expect(summary_value(page, "Decision")).to_contain_text(Outcome.REFERRAL.label)
    expect(summary_value(page, "Rationale")).to_contain_text(RATIONALE)
    # Both children live in FN1: the north district's assessment team is found for each.
    expect(page.get_by_label(re.compile(r"^Team for"))).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Comment").fill("Agreed: assess both children.")
    page.get_by_role("button", name="Sign off the decision").click()

    expect(page.get_by_text("The decision was signed off: 2 referrals")).to_be_visible()
    referrals = page.locator("h2:has-text('Referrals made') + ul")
    team = org["north_assessment"]
    for name in ("Tobias Lindqvist", "Freya Lindqvist"):
        expect(referrals).to_contain_text(f"{name}: referred to {team.name}")
    made = Referral.objects.filter(person__in=[tobias, freya])
    assert {(r.person_id, r.team_id) for r in made} == {(tobias.pk, team.pk), (freya.pk, team.pk)}
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DONE
    assert_accessible(page)
    sign_out(page)

    # ---- 6. The referrals wait on the district assessment team's list ----------------------
    sign_in(page, live_server, personas["team_manager"], password)
    page.goto(url(live_server, "front_door:team-referrals", team.pk))
    expect(page.get_by_role("heading", name="New referrals", level=1)).to_be_visible()
    waiting = page.get_by_role(
        "table", name="Referrals waiting to be allocated, longest waiting first"
    )
    for name in ("Tobias Lindqvist", "Freya Lindqvist"):
        row = waiting.get_by_role("row").filter(has=page.get_by_role("link", name=name))
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Assessment")
        expect(row).to_contain_text(PrimaryNeed.N1.label)
    expect(waiting.locator("tbody tr")).to_have_count(2)
    assert_accessible(page)


# ---- the front door view, and a contact without JavaScript ---------------------------------


def numbers(table) -> dict[str, str]:
    """A table's rows as {row header: the last cell}."""
    found = {}
    for row in table.locator("tbody tr").all():
        header = row.locator("th").inner_text().strip()
        found[header] = row.locator("td").last.inner_text().strip()
    return found


@pytest.fixture
def page_without_js(browser, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_front_door_view_shows_its_numbers_as_tables_and_a_contact_needs_no_javascript(
    live_server, page, page_without_js, personas, password, front_door, lindqvists
):
    tobias, namesake = lindqvists
    officer = personas["contact_officer"]

    def details():
        return services.ContactDetails(
            received_at=timezone.now(),
            method=ContactMethod.PHONE,
            source=ReferralSource.SCHOOL,
            concerns="The child said there is no food at home.",
            consent="given",
        )

    services.record_contact(actor=officer, details=details(), children=[namesake])
    screened = services.record_contact(actor=officer, details=details(), children=[tobias])
    services.screen_contact(
        actor=officer,
        contact_id=screened.pk,
        version=screened.version,
        threshold_level=front_door["levels"][3],
        outcome=Outcome.MASH,
        rationale="What do partners hold?",
        rag=Rag.AMBER,
        rag_reason="No immediate risk.",
    )

    sign_in(page, live_server, front_door["manager"], password)
    page.get_by_role("link", name="Front door", exact=True).click()
    expect(page.get_by_role("heading", name="The front door", level=1)).to_be_visible()
    today = page.get_by_role("table", name="Contacts received today, by where they are now")
    expect(today).to_be_visible()
    shown = numbers(today)
    assert shown[ContactStatus.NEW.label] == "1"
    assert shown[ContactStatus.MASH.label] == "1"
    assert shown[ContactStatus.DONE.label] == "0"
    assert shown["All contacts today"] == "2"
    bands = page.get_by_role(
        "table", name="Open MASH enquiries by RAG rating and working time left"
    )
    by_rag = {
        row.locator("th").inner_text().strip(): row.locator("td").nth(4).inner_text().strip()
        for row in bands.locator("tbody tr").all()[:3]
    }
    assert by_rag == {"Red": "0", "Amber": "1", "Green": "0"}
    assert_accessible(page)

    # Without JavaScript: record a contact about Tobias, found through the search step.
    page = page_without_js
    sign_in(page, live_server, officer, password)
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(0)
    page.goto(url(live_server, "front_door:new-contact"))
    expect(page.get_by_role("heading", name="Record a contact", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add a child").click()
    page.get_by_label("Name", exact=True).fill("Tobias Lindqvist")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Add Tobias Lindqvist").click()
    expect(page.get_by_text("Tobias Lindqvist was added to the contact")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Continue to the contact's details").click()
    page.get_by_role("group", name="How was the contact made?").get_by_label("Email").check()
    page.get_by_label("Who made the contact?").select_option(label=ReferralSource.GP.label)
    page.get_by_label("The concerns, in their words").fill("Missed three appointments.")
    page.get_by_role("group", name=re.compile("^Has the family consented")).get_by_label(
        "Refused"
    ).check()
    page.get_by_role("button", name="Save the contact").click()

    recorded = Contact.objects.exclude(pk=screened.pk).filter(method=ContactMethod.EMAIL).get()
    expect(page).to_have_url(url(live_server, "front_door:contact", recorded.pk))
    expect(page.get_by_text(f"Contact {recorded.reference} was recorded")).to_be_visible()
    assert [link.person_id for link in recorded.children.all()] == [tobias.pk]
    assert recorded.source == ReferralSource.GP
    assert_accessible(page)
