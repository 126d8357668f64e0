"""Who may do what with actions and trainings, in the terms of `employees.permissions`.

- Plan (create, edit, change status): HR for every department, a manager for their own
  subtree. Others may not plan at all.
- Progress: the owner may also change the status; the owner and team members add notes.
- Read: HR and leadership everything; a manager their subtree; everybody the actions of their
  own department and those they own or take part in; the trainings whose audience holds them.
- Follow-up scores (before/after): who may read the department's results — HR, leadership and
  the department's managers. Other readers see the action without its scores.
"""

from employees.permissions import is_hr, is_leadership, is_manager, managed_department_ids


def may_plan(user) -> bool:
    return is_hr(user) or is_manager(user)


def may_plan_for(user, department_id: int) -> bool:
    return is_hr(user) or department_id in managed_department_ids(user)


def may_change_status(user, action) -> bool:
    return may_plan_for(user, action.department_id) or action.owner_id == user.pk


def may_add_note(user, action, member_ids: set[int] | None = None) -> bool:
    if may_change_status(user, action):
        return True
    members = member_ids if member_ids is not None else {member.pk for member in action.members.all()}
    return user.pk in members


def may_see_follow_up(user, department_id: int) -> bool:
    return is_hr(user) or is_leadership(user) or department_id in managed_department_ids(user)
