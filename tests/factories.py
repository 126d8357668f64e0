"""factory_boy factories that write through the services, as the product does."""

import datetime as dt
from decimal import Decimal

import factory

from employees import services
from employees.models import Department, User

TEST_PASSWORD = "a-long-test-password-9274"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Unit {n}")
    code = factory.Sequence(lambda n: f"U{n:04d}")
    parent = None
    is_service_unit = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.department_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@prima.test")
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    department = factory.SubFactory(DepartmentFactory)
    manager = None
    hire_date = dt.date(2020, 1, 6)
    role = "employee"
    monthly_wage = Decimal("8500000.00")
    sex = ""
    password = TEST_PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.employee_create(validate_password_strength=False, **kwargs)
