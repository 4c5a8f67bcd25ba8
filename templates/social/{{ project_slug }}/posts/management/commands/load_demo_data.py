"""``python manage.py load_demo_data``: a small network for the first ``runserver`` (safe to run twice)."""

from io import BytesIO
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from PIL import Image, ImageDraw

from ....core.archives import delete_files_after_commit
from ....exports import services as exports
from ....exports.models import Export
from ....graph import services as graph
from ....graph.models import Follow
from ....notifications import preferences
from ... import media, timeline_cache
from ...models import Post
from ...services import boost, create_post, edit_post, follow_tag, like

#: username, display name, bio, private account?
PEOPLE = [
    ("ana", "Ana Sousa", "Backend developer. Writes about Django and databases.", False),
    ("ben", "Ben Okafor", "Ships things. Likes tests that fail for a reason.", False),
    ("chen", "Chen Wei", "Frontend and accessibility.", False),
    ("dara", "Dara Kelly", "Ops, on call, coffee.", False),
    ("eli", "Eli Novak", "Learning Django one roadmap topic at a time.", False),
    ("fatima", "Fatima Zahra", "Data and dashboards.", False),
    ("gus", "Gus Lind", "Private notes for friends.", True),
    ("hana", "Hana Sato", "Security reviews and threat models.", False),
    ("ivan", "Ivan Petrov", "Async Python and WebSockets.", False),
    ("jo", "Jo Mbeki", "Product and people.", False),
    ("kim", "Kim Park", "Writes the docs nobody else does.", False),
    ("lea", "Lea Martin", "Designs the things Chen builds.", False),
]
#: (follower, followee) — gus is private: ana and ben were approved, eli only asked.
FOLLOWS = [
    ("ana", "ben"), ("ana", "chen"), ("ana", "ivan"), ("ana", "gus"), ("ben", "ana"), ("ben", "dara"),
    ("ben", "gus"), ("chen", "ana"), ("chen", "lea"), ("dara", "ben"), ("eli", "ana"), ("eli", "ivan"),
    ("fatima", "kim"), ("hana", "ana"), ("hana", "ben"), ("ivan", "ana"), ("jo", "kim"), ("kim", "jo"),
    ("lea", "chen"), ("gus", "ana"),
]  # fmt: skip
REQUESTS = [("eli", "gus")]
#: author, text, visibility; a text starting with "↳ N " replies to the N-th post.
POSTS = [
    (
        "ana",
        "Hello! This is the demo network of a djstarter project. Follow someone from Explore. #hello",
        "public",
    ),
    (
        "ben",
        "Feed pages stay at a constant number of queries: keyset pagination and subqueries. #Django @ana",
        "public",
    ),
    ("chen", "Every page works without JavaScript; notifications arrive live when it is on. #a11y", "public"),
    ("gus", "Only my approved followers can read this.", "public"),
    (
        "ivan",
        "Channels + Daphne: the notification badge updates over a WebSocket. #django #websockets",
        "public",
    ),
    ("ana", "Followers-only thought of the day: write the test first. #testing", "followers"),
    ("kim", "Docs day. @jo, want to review? #docs", "public"),
    ("↳ 1 ben", "Welcome aboard!", "public"),
    ("↳ 1 chen", "Nice to be here.", "public"),
    ("↳ 5 ana", "Live updates without polling, lovely. #websockets", "public"),
    (
        "lea",
        "Finished the mystery novel: the narrator did it, and the first chapter says so. #books",
        "public",
    ),
    ("lea", "Two palettes for the profile page, one per colour scheme. Which one? #design", "public"),
]
#: post number -> its images, each (description, colours): drawn with Pillow when the data is loaded.
IMAGES = {
    12: [
        (
            "Five light swatches: white, pale green, sage, teal and dark green.",
            ("#ffffff", "#e1f1e9", "#9cc9b1", "#18744f", "#0c5c3e"),
        ),
        (
            "Five dark swatches: near black, slate, dark teal, green and mint.",
            ("#111714", "#23302a", "#1f4d3d", "#2f8f66", "#b5e3cb"),
        ),
    ]
}
#: post number -> its content warning (the text stays closed behind it until opened).
CONTENT_WARNINGS = {11: "Spoiler: the ending of the mystery novel"}
#: (person, tag): the public posts with the tag join the person's feed.
TAG_FOLLOWS = [("eli", "django"), ("chen", "websockets")]
#: person -> notification choices other than the defaults (see /notifications/settings/).
NOTIFICATION_CHOICES = {
    "ben": {"like": {"email": True}, "reply": {"email": True}},
    "dara": {"follow": {"in_app": False}, "digest": {"email": False}},
}
#: (reporter, post number, reason, note): open reports, for the staff's moderation queue (/moderation/).
REPORTS = [("hana", 5, "spam", "A demo report: decide on it in the moderation queue.")]
#: (reporter, reported person, reason, note): open reports about a profile.
PROFILE_REPORTS = [("jo", "lea", "other", "A demo report about a profile: suspend or dismiss it.")]
#: The staff member who moderates the demo network (username, display name, bio).
MODERATOR = ("mod", "Morgan Reyes", "Moderates this network: reports land in /moderation/.")
#: People who asked for an export of their data ("Your data"): built now, listed in the admin.
EXPORTS = ["ana"]
LIKES = [("ben", 1), ("chen", 1), ("ivan", 1), ("dara", 1), ("ana", 2), ("ana", 5), ("eli", 5), ("jo", 7)]
#: (person, post number): public posts shared into the person's followers' feeds ("Boosted by Ben Okafor":
#: ana, who follows ben and chen but not kim or lea, sees kim's and lea's posts through their boosts).
BOOSTS = [("ben", 7), ("chen", 11), ("dara", 2), ("hana", 5)]


def palette(colours: tuple[str, ...]) -> SimpleUploadedFile:
    """A picture of colour swatches (a PNG upload, so it goes through ``media.prepare`` like any other)."""
    width, height = 800, 450
    picture = Image.new("RGB", (width, height), colours[0])
    draw = ImageDraw.Draw(picture)
    step = width // len(colours)
    for index, colour in enumerate(colours):
        draw.rounded_rectangle(
            (index * step + 16, 96, (index + 1) * step - 16, height - 96),
            radius=24,
            fill=colour,
            outline="#7a867f",
        )
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    return SimpleUploadedFile("palette.png", buffer.getvalue(), content_type="image/png")


class Command(BaseCommand):
    help = (
        "Create a dozen demo people, follows (a private account too), posts with hashtags (one behind a "
        "content warning, one with images), replies, likes, boosts, followed tags, notification choices "
        "reports, a staff member to moderate them and a data export."
    )
    #: The demo's staff member: what a tour of the staff pages needs (the served-site checks sign in as
    #: this user too).
    staff_demo = {"username": MODERATOR[0]}

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--flush", action="store_true", help="Delete the demo people and their posts first."
        )

    @transaction.atomic
    def handle(self, *args: Any, flush: bool = False, **options: Any) -> None:
        user_model = get_user_model()
        usernames = [username for username, *_ in PEOPLE] + [MODERATOR[0]]
        if flush:
            delete_files_after_commit(Export.objects.filter(user__username__in=usernames))
            deleted, _ = user_model.objects.filter(username__in=usernames).delete()
            self.stdout.write(f"Flushed {deleted} demo object(s).")
        if user_model.objects.filter(username__in=usernames).exists():
            self.stdout.write("The demo network exists already (use --flush to rebuild it).")
            return

        people = {}
        for username, name, bio, private in PEOPLE:
            person = user_model.objects.create(
                username=username, email=f"{username}@example.com", name=name, bio=bio
            )
            person.set_unusable_password()
            person.save(update_fields=["password"])
            person.profile.is_private = private
            person.profile.save(update_fields=["is_private"])
            people[username] = person
        username, name, bio = MODERATOR
        moderator = user_model.objects.create(
            username=username, email=f"{username}@example.com", name=name, bio=bio, is_staff=True
        )
        moderator.set_unusable_password()
        moderator.save(update_fields=["password"])
        # The queue's "Moderation log" and the reports are in the admin: the moderator may read them there.
        moderator.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="graph", codename__in=["view_moderationaction", "view_report"]
            )
        )
        Follow.objects.bulk_create(Follow(follower=people[a], followee=people[b]) for a, b in FOLLOWS)
        timeline_cache.changed()  # bulk_create sends no signal: cached feeds must see the follows
        for requester, target in REQUESTS:
            graph.follow(people[requester], people[target])

        posts: list[Post] = []
        for number, (author, body, visibility) in enumerate(POSTS, 1):
            reply_to = None
            if author.startswith("↳"):
                _, parent, author = author.split()
                reply_to = posts[int(parent) - 1]
            post = create_post(
                people[author],
                body=body,
                visibility=visibility,
                reply_to=reply_to,
                content_warning=CONTENT_WARNINGS.get(number, ""),
                images=[media.prepare(palette(colours), alt) for alt, colours in IMAGES.get(number, [])],
            )
            posts.append(post)
        first = posts[0]  # edited once: its page links to the edit history
        edit_post(first, body=f"{first.body} (Edited: fixed a typo.)", visibility=first.visibility)
        for username, number in LIKES:
            like(people[username], posts[number - 1])
        for username, number in BOOSTS:
            boost(people[username], posts[number - 1])
        for username, tag in TAG_FOLLOWS:
            follow_tag(people[username], tag)
        for username, choices in NOTIFICATION_CHOICES.items():
            preferences.save(people[username], choices)
        for reporter, number, reason, note in REPORTS:
            post = posts[number - 1]
            graph.report(people[reporter], post.author, reason=reason, note=note, post=post)
        for reporter, reported, reason, note in PROFILE_REPORTS:
            graph.report(people[reporter], people[reported], reason=reason, note=note)
        for username in EXPORTS:
            exports.build(Export.objects.create(user=people[username]).pk)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready: {len(people)} people, {len(FOLLOWS)} follows, {len(posts)} posts. "
                f"The demo people cannot log in; create your own account and follow them. {username}, the "
                "staff member who moderates reports (/moderation/), can after `manage.py changepassword "
                f"{username}`."
            )
        )
