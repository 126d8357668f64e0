"""People, departments and roles."""

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

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.CheckConstraint(condition=models.Q(monthly_wage__gte=0), name="user_wage_not_negative"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="user_role_valid"),
            models.CheckConstraint(condition=~models.Q(manager=models.F("id")), name="user_not_own_manager"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
