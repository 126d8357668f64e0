"""People, departments and roles."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    MANAGER = "manager", _("Manager")
    HR = "hr", _("HR")
    LEADERSHIP = "leadership", _("Leadership")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Department(models.Model):
    """A unit of the organisation. `path` (`/1/4/9/`) is the chain of ids from the root, kept
    by `employees.services`, so that a whole subtree is one indexed prefix query."""

    name = models.CharField(_("name"), max_length=150)
    code = models.SlugField(_("code"), max_length=32, unique=True, allow_unicode=False)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_service_unit = models.BooleanField(
        _("service unit"), default=False, help_text=_("A front-line unit that serves external customers.")
    )
    customer_population = models.PositiveIntegerField(
        _("customer population"),
        null=True,
        blank=True,
        help_text=_("How many customers the unit serves in a period; used to judge survey sample sizes."),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent (no query)."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class User(AbstractUser):
    """An employee. Every person who signs in is one; superusers are administrators."""

    employee_number = models.CharField(_("employee number"), max_length=32, unique=True, null=True, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    manager = models.ForeignKey(
        "self", verbose_name=_("manager"), null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.EMPLOYEE, db_index=True)
    monthly_wage = MoneyField(_("monthly wage (IDR)"), null=True, blank=True, validators=[MinValueValidator(0)])
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    # The language of the e-mails Prima sends the person; empty: the site's (`LANGUAGE_CODE`).
    # The database fills it too, for rows written without Django (bulk loads with COPY).
    language = models.CharField(
        _("language for e-mails"), max_length=8, choices=settings.LANGUAGES, blank=True, default="", db_default=""
    )
    # The identity provider's own id for the person, as SCIM sends it (`externalId`).
    scim_external_id = models.CharField(max_length=255, blank=True, db_index=True, editable=False)

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.CheckConstraint(condition=models.Q(monthly_wage__gte=0), name="user_wage_not_negative"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
            models.CheckConstraint(condition=~models.Q(manager=models.F("id")), name="user_not_own_manager"),
            models.CheckConstraint(
                condition=models.Q(language__in=["", *dict(settings.LANGUAGES)]), name="user_language_known"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ImportKind(models.TextChoices):
    DEPARTMENTS = "departments", _("Departments")
    PEOPLE = "people", _("People")


class ImportMode(models.TextChoices):
    PARTIAL = "partial", _("Partial: add and update only")
    FULL = "full", _("Full: also deactivate people missing from the file")


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Checked, ready to apply")
    INVALID = "invalid", _("Has problems")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")


class OrgImport(models.Model):
    """One upload of the organisation file: checked completely on upload (`checked` or
    `invalid`, nothing written), then applied all or nothing. The file is kept, bounded by the
    upload limits, so that applying reads exactly what was checked. At most one import is
    `applying` at a time, enforced by the database."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    mode = models.CharField(_("mode"), max_length=16, choices=ImportMode.choices, default=ImportMode.PARTIAL)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_format = models.CharField(max_length=8, blank=True)
    content = models.BinaryField(editable=False)
    rows_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=list, blank=True)  # the first rows that would change, for the preview
    progress = models.PositiveSmallIntegerField(default=0)
    failure = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    apply_started_at = models.DateTimeField(null=True, blank=True)  # when `applying` began
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("organisation import")
        verbose_name_plural = _("organisation imports")
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="applying"), name="org_import_one_applying"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.status}"


class DepartmentMove(models.Model):
    """A person's move from one department to another, as the organisation's systems said it.
    Pulse rounds keep their own department snapshot; this is the person's history."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="department_moves")
    from_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=64, blank=True)  # "import:12", "scim", "api"

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("department move")
        verbose_name_plural = _("department moves")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.from_department_id} → {self.to_department_id}"


class ScimToken(models.Model):
    """A bearer token an identity provider uses for SCIM provisioning, and for nothing else.
    Only its SHA-256 is stored; the token is shown once when it is made."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)  # shown to tell tokens apart
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
