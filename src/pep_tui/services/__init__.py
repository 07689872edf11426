"""Services: the one door for every use case. Each call takes a :class:`Principal` and refuses what
that principal may not do (:class:`PermissionDenied`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from pep_tui.plugins.api import SUMMARY_PLUGINS_KEY
from pep_tui.plugins.registry import Registry
from pep_tui.services.access import PermissionDenied, can, in_scope, require
from pep_tui.services.audit import AuditService
from pep_tui.services.care import CareService
from pep_tui.services.children import ChildService
from pep_tui.services.context import ServiceContext
from pep_tui.services.delegation import DelegationService
from pep_tui.services.errors import FieldProblem, InvalidInput, WorkflowError
from pep_tui.services.exports import ExportService
from pep_tui.services.imports import ImportService
from pep_tui.services.needs import NeedsService
from pep_tui.services.peps import PEPService
from pep_tui.services.principal import Principal
from pep_tui.services.qa import QAService
from pep_tui.services.reminders import ReminderService
from pep_tui.services.report_facts import FACTS_KEY, route_section_id, with_report_fields
from pep_tui.services.reports import ComplianceService
from pep_tui.services.staff import StaffService
from pep_tui.services.summary import make_summariser, summary_stamp, with_plugin_fields
from pep_tui.services.views import RoleViews
from pep_tui.services.workflow import WorkflowService
from pep_tui.settings import Settings
from pep_tui.store import Store, StoreKind  # noqa: F401  (re-exported for callers)

security_log = logging.getLogger("pep_tui.security")


class Services:
    """All services over one store. A plugin's own service (``register_services``) is reached with
    :meth:`plugin_service`."""

    def __init__(self, store: Store, registry: Registry, settings: Settings, clock: Callable[[], date] = date.today) -> None:
        self.ctx = ServiceContext(store=store, registry=registry, settings=settings, clock=clock)
        store.summariser = with_plugin_fields(
            with_report_fields(make_summariser(registry, settings.policy, clock), route_section_id(registry)), registry
        )
        # The report facts and plugins' fields are kept out of the list index: only the screens that need
        # them read them (store.facts(), children.list(..., with_facts=True)).
        store.fact_keys = frozenset({FACTS_KEY, SUMMARY_PLUGINS_KEY})
        store.summary_stamp = summary_stamp(registry, clock)  # re-summarised each term and when fields change
        store.summary_today = clock  # and a child's entry on the day a dated allocation takes effect
        self.children = ChildService(self.ctx)
        self.care = CareService(self.ctx, self.children)
        self.peps = PEPService(self.ctx, self.children)
        self.staff = StaffService(self.ctx)
        self.reports = ComplianceService(self.ctx)
        self.imports = ImportService(self.ctx, self.children, self.peps, self.care)
        self.exports = ExportService(self.ctx, self.children, self.peps)
        self.audit = AuditService(self.ctx, self.children)
        self.workflow = WorkflowService(self.ctx, self.children, self.peps)
        self.qa = QAService(self.ctx, self.children, self.peps)
        self.delegation = DelegationService(self.ctx, self.children)
        self.views = RoleViews(self.ctx, self.children, self.peps, self.workflow)
        self.needs = NeedsService(self.ctx)
        self.reminders = ReminderService(self.ctx, self.needs)
        #: Deprecated since plugin API 1.2 (register a ServiceSpec and use :meth:`plugin_service`); kept
        #: so plugins written for 1.0 and 1.1 that attach objects here keep working.
        self.extra: dict[str, object] = {}
        self._plugin_services: dict[str, object] = {}

    def plugin_service(self, name: str) -> Any:
        """The service a plugin registered under ``name`` (``register_services``), made on first use.

        Raises ``LookupError`` when no loaded plugin provides it (the plugin is not installed, or is
        disabled).

        .. versionadded:: 1.2
        """
        found = self._plugin_services.get(name)
        if found is None:
            spec = self.ctx.registry.services.get(name)
            if spec is None:
                raise LookupError(f"no installed plugin provides the service {name!r}")
            found = self._plugin_services[name] = spec.factory(self)
        return found

    @property
    def registry(self) -> Registry:
        """The plugin registry."""
        return self.ctx.registry

    @property
    def store(self) -> Store:
        """The store (for the CLI's maintenance commands; use cases go through the services)."""
        return self.ctx.store

    def principal_for(self, login: str, role: str | None = None) -> Principal:
        """The principal for a staff login: refused if unknown or disabled. Role switching is training-only."""
        member = self.ctx.store.get_staff(login)
        if member is None:
            security_log.warning("refused sign-in: %r is not a staff login", login)
            raise PermissionDenied(
                f"{login!r} is not an active pep-tui user here; ask a Virtual School administrator "
                f"to run 'pep-tui staff add {login} …'"
            )
        if not member.active:
            security_log.warning("refused sign-in: staff login %r is disabled", login)
            raise PermissionDenied(
                f"the pep-tui login {login!r} is disabled; a Virtual School administrator can re-enable it "
                f"with 'pep-tui staff enable {login}'"
            )
        training = self.ctx.store.kind == "training"
        if role is not None and role not in member.roles and not training:
            security_log.warning("refused sign-in: %r does not hold the role %r", login, role)
            raise PermissionDenied(f"{login} does not hold the role {role!r}")
        return Principal.from_staff(member, role, training=training)


__all__ = [
    "FieldProblem",
    "InvalidInput",
    "PermissionDenied",
    "Principal",
    "Services",
    "WorkflowError",
    "can",
    "in_scope",
    "require",
]
