"""A person's export: exactly their data and their images (not others', not posts they can no longer see),
built in the background, downloaded once through a signed link that expires; refusals carry the reason."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import signing
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from ...graph import services as graph
from ...posts import services as posts
from ...posts.models import Attachment, Post
from ...posts.tests.factories import PostFactory, UserFactory
from .. import archive, services
from ..models import Export
from .helpers import document, files, link, post_with_image, ready_export, stored

pytestmark = pytest.mark.django_db

YOUR_DATA = "/settings/data/"


@pytest.fixture
def world(ana):
    """Ana's posts (one with an image, one edited), follows, a block, a mute, a followed tag, likes and a
    boost; and other people's posts and images, some of which Ana can no longer see."""
    ben, carl, dara = (UserFactory(username=name) for name in ("ben", "carl", "dara"))
    mine = post_with_image(ana, body="Mine, with a picture #photos @ben")
    edited = posts.create_post(ana, body="First words", visibility=Post.Visibility.FOLLOWERS)
    posts.edit_post(edited, body="Second words", visibility=Post.Visibility.FOLLOWERS)
    graph.follow(ana, ben)
    graph.follow(dara, ana)
    graph.block(ana, carl)
    graph.mute(ana, dara)
    posts.follow_tag(ana, "django")
    bens = post_with_image(ben, body="Ben's public post")
    posts.like(ana, bens)
    posts.boost(ana, bens)
    later_hidden = posts.create_post(dara, body="Dara's, public for now")
    posts.like(ana, later_hidden)
    Post.objects.filter(pk=later_hidden.pk).update(visibility=Post.Visibility.FOLLOWERS)
    PostFactory(author=ben, body="Ben's other post")
    return {"mine": mine, "edited": edited, "bens": bens, "hidden": later_hidden}


def test_asking_builds_the_export_in_the_background(
    client, ana, django_capture_on_commit_callbacks, monkeypatch
):
    assert "No exports yet." in client.get(YOUR_DATA).content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(YOUR_DATA, follow=True)
    assert "Your export is being prepared" in response.content.decode()
    assert "Queued" in response.content.decode()  # built once the request has committed
    assert Export.objects.get(user=ana).status == "pending"
    for callback in callbacks:
        callback()
    export = Export.objects.get(user=ana)
    assert export.status == "ready" and storages["exports"].exists(export.file_name)
    assert export.expires_at - export.finished_at == timedelta(hours=24)
    # A link holds the second it was signed in: the test's and the page's are signed in the same one.
    signed_at = signing.b62_encode(1_800_000_000)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda signer: signed_at)
    assert link(export) in client.get(YOUR_DATA).content.decode()


def test_the_archive_holds_exactly_the_persons_data_and_images(ana, world):
    export = ready_export(ana)
    contents = stored(export)
    mine = Attachment.objects.get(post=world["mine"])
    images = [name for name in contents if name.startswith("media/")]
    assert images == [f"media/{mine.image.name.rsplit('/', 1)[-1]}"]  # hers: not Ben's, not thumbnails
    with mine.image.open("rb") as original:
        assert contents[images[0]] == original.read()  # the stored original, byte for byte
    data = document(export)
    assert data["account"]["username"] == "ana" and data["account"]["email"] == "ana@example.com"
    by_id = {post["id"]: post for post in data["posts"]}
    assert set(by_id) == {world["mine"].pk, world["edited"].pk}  # her posts only
    assert by_id[world["mine"].pk]["tags"] == ["photos"] and by_id[world["mine"].pk]["mentions"] == ["ben"]
    assert by_id[world["mine"].pk]["images"][0]["alt_text"] == "A green square"
    edited = by_id[world["edited"].pk]
    assert (edited["body"], [old["body"] for old in edited["edit_history"]]) == (
        "Second words",
        ["First words"],
    )
    assert [row["username"] for row in data["following"]] == ["ben"]
    assert [row["username"] for row in data["followers"]] == ["dara"]
    assert [row["username"] for row in data["blocks"]] == ["carl"]
    assert [row["username"] for row in data["mutes"]] == ["dara"]
    assert data["followed_tags"] == ["django"]
    # A liked post she can no longer see (it went followers-only) is left out; so is everything of others.
    assert [like["post"] for like in data["likes"]] == [world["bens"].pk]
    assert [boost["post"] for boost in data["boosts"]] == [world["bens"].pk]
    everything = b"".join(contents.values()).decode("utf-8", errors="ignore")
    assert "Ben's other post" not in everything and "Dara's, public for now" not in everything
    rows = list(csv.DictReader(io.StringIO(contents["csv/following.csv"].decode("utf-8-sig"))))
    assert [row["username"] for row in rows] == ["ben"]


def test_csv_cells_that_would_be_formulas_are_quoted(ana):
    graph.follow(ana, UserFactory(username="+cmd"))
    contents = stored(ready_export(ana))
    rows = list(csv.DictReader(io.StringIO(contents["csv/following.csv"].decode("utf-8-sig"))))
    assert [row["username"] for row in rows] == ["'+cmd"]
    assert document(ready_export(ana))["following"][0]["username"] == "+cmd"  # JSON keeps it as it is


def test_the_link_downloads_once(client, ana, django_capture_on_commit_callbacks):
    export = ready_export(ana)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(link(export))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'attachment; filename="ana-export-' in response["Content-Disposition"]
    assert "export.json" in files(b"".join(response.streaming_content))
    export.refresh_from_db()
    assert export.downloaded_at is not None and export.file_name == ""  # the archive left the storage
    again = client.get(link(export))
    assert again.status_code == 410
    assert "data-refusal" in again.content.decode() and "each export downloads once" in again.content.decode()
    assert "Downloaded" in client.get(YOUR_DATA).content.decode()


def test_an_expired_link_is_refused_with_the_reason(client, ana):
    export = ready_export(ana)
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link(export))
    assert response.status_code == 410 and "This link has expired" in response.content.decode()
    assert Export.objects.get(pk=export.pk).downloaded_at is None


def test_a_tampered_link_or_someone_elses_is_404(client, ana):
    export = ready_export(ana)
    token = services.download_token(export)
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "nonsense", token.upper()):
        assert client.get(reverse("exports:download", args=[bad])).status_code == 404
    ben = UserFactory(username="ben")
    client.force_login(ben)
    assert client.get(link(export)).status_code == 404  # Ana's genuine link, opened by Ben
    assert Export.objects.get(pk=export.pk).downloaded_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client, ana):
    export = ready_export(ana)
    client.logout()
    for url in (YOUR_DATA, link(export)):
        assert client.get(url).status_code == 302
    assert client.post(YOUR_DATA).status_code == 302
    assert Export.objects.count() == 1


def test_one_export_at_a_time_and_one_a_minute(client, ana):
    queued = Export.objects.create(user=ana)
    response = client.post(YOUR_DATA)
    assert response.status_code == 409 and "already being prepared" in response.content.decode()
    assert services.build(queued.pk)
    response = client.post(YOUR_DATA)
    assert response.status_code == 409 and "less than a minute ago" in response.content.decode()
    Export.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert client.post(YOUR_DATA).status_code == 302
    assert Export.objects.filter(user=ana).count() == 2


def test_a_failed_build_says_so(client, ana, monkeypatch):
    def broken(user, target):
        raise OSError("disk full")

    monkeypatch.setattr(archive, "write", broken)
    export = Export.objects.create(user=ana)
    assert services.build(export.pk) is False
    export.refresh_from_db()
    assert (export.status, export.error, export.file_name) == ("failed", "disk full", "")
    assert "disk full" in client.get(YOUR_DATA).content.decode()
    assert services.build(export.pk) is False  # built once at most


def test_used_and_expired_archives_leave_the_storage(ana):
    kept, used = ready_export(ana), ready_export(ana)
    Export.objects.filter(pk=used.pk).update(downloaded_at=timezone.now())
    assert services.purge_files() == 1
    assert [storages["exports"].exists(export.file_name) for export in (kept, used)] == [True, False]
