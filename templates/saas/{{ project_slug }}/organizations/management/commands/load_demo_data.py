"""``python manage.py load_demo_data``: two organisations with owners, admins, members, projects, tasks,
a pending invitation and an API key (printed once)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from ....apikeys.services import create_key
from ....billing.models import Subscription
from ....invitations.models import Invitation
from ....projects.models import Project, Task
from ...context import organization_context
from ...models import Membership, Organization
from ...permissions import Role

ORGANIZATIONS = {
    "Acme Rockets": {
        "plan": "pro",
        "people": [("demo", Role.OWNER), ("grace", Role.ADMIN), ("linus", Role.MEMBER)],
        "projects": {
            "Launch pad": ["Pour concrete", "Test the fuel lines"],
            "Mission control": ["Hire flight director"],
        },
        "invite": "margaret@example.com",
    },
    "Globex Research": {
        "plan": "free",
        "people": [("hank", Role.OWNER), ("demo", Role.MEMBER)],
        "projects": {"Doomsday device": ["Order magnets"]},
        "invite": "",
    },
}


class Command(BaseCommand):
    help = "Load demo organisations, members, projects, an invitation and an API key (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--password",
            default="",
            help="Password for the demo users (without it they cannot log in until "
            "`manage.py changepassword <user>`).",
        )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        User = get_user_model()
        for name, spec in ORGANIZATIONS.items():
            organization, _ = Organization.objects.get_or_create(
                slug=name.lower().split()[0], defaults={"name": name}
            )
            Subscription.objects.update_or_create(
                organization=organization,
                defaults={"plan": spec["plan"], "status": Subscription.Status.ACTIVE},
            )
            with organization_context(organization):
                users = {}
                for username, role in spec["people"]:
                    user, created = User.objects.get_or_create(
                        username=username,
                        defaults={"email": f"{username}@example.com", "name": username.title()},
                    )
                    if created or options["password"]:
                        if options["password"]:
                            user.set_password(options["password"])
                        else:
                            user.set_unusable_password()
                        user.save()
                    Membership.objects.get_or_create(
                        organization=organization, user=user, defaults={"role": role}
                    )
                    users[username] = user
                members = list(users.values())
                for index, (project_name, titles) in enumerate(spec["projects"].items()):
                    project, _ = Project.objects.get_or_create(
                        name=project_name, defaults={"organization": organization, "created_by": members[0]}
                    )
                    for number, title in enumerate(titles):
                        Task.objects.get_or_create(
                            project=project,
                            title=title,
                            defaults={
                                "assignee": members[(index + number) % len(members)],
                                "due_date": timezone.localdate() + timedelta(days=7 * (number + 1)),
                            },
                        )
                if spec["invite"] and not Invitation.objects.pending().filter(email=spec["invite"]).exists():
                    Invitation.objects.create(
                        organization=organization,
                        email=spec["invite"],
                        invited_by=members[0],
                        sent_at=timezone.now(),
                    )
                if spec["plan"] == "pro" and not organization.api_keys.exists():
                    _, raw = create_key(
                        organization=organization, name="Demo key", actor=members[0], actor_role=Role.OWNER
                    )
                    self.stdout.write(f"API key for {name} (shown once): {raw}")
        how = (
            "with the --password you gave" if options["password"] else "after `manage.py changepassword demo`"
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded. Log in as demo {how} (owner of Acme, member of Globex).")
        )
