"""The organization model: one week of a company's customer journeys, in order.

:meth:`OrganizationModel.step` *is* the week of ``docs/ODD.md``: policies, cases,
routing and work, customers, renewal and acquisition, incentives with morale and
staffing, prevention, record. Behaviour lives on the employees (:mod:`cxsim.core.employees`),
the customers (:mod:`cxsim.core.customers`) and the policies (:mod:`cxsim.components.structures`,
:mod:`cxsim.components.incentives`); this module only orchestrates.
"""

from __future__ import annotations

import copy
import math

import mesa
import numpy as np
import pandas as pd

from cxsim.core import customer_formulas
from cxsim.core.cases import CaseBatch, new_cases
from cxsim.core.change import Changes
from cxsim.core.customers import Customers
from cxsim.core.employees import (
    USES,
    Employee,
    WeekAtWork,
    Workforce,
    end_week,
    quit_probability,
    starting_allocation,
)
from cxsim.core.internal_trust import InternalTrust
from cxsim.core.levers import StructureLevers, WeekLevers
from cxsim.core.metrics import METRICS, Observation, RollingCounts
from cxsim.core.parameters import STAGES
from cxsim.core.policies import (
    Design,
    IncentivePolicy,
    Performance,
    Programme,
    StructurePolicy,
)
from cxsim.core.prevention import PreventionCapability
from cxsim.core.service import (
    CaseDraws,
    Clientele,
    Conditions,
    Routing,
    Staff,
    WorkWeek,
    work_week,
)
from cxsim.core.staffing import StaffingPlan
from cxsim.core.streams import Streams, decision_key
from cxsim.validation.errors import InputError

__all__ = ["DEPARTMENT_COLUMNS", "OrganizationModel", "settled_setup"]

DEPARTMENT_COLUMNS = (
    "week",
    "department",
    "headcount",
    "morale",
    "skill",
    "help_share",
    "prevent_share",
    "game_share",
    "cases",
    "waiting",
    "handoff_failure_rate",
    "prevention_capability",
    "internal_trust",
    "quits",
)


def settled_setup(scenario: Design) -> dict[str, StructurePolicy | IncentivePolicy]:
    """The structure and incentive scheme ``scenario`` settles under before week 0.

    A scenario that describes a change (``[warm_up] structure`` or ``incentives``)
    settles as the organization was before it; otherwise as itself. Without a warm-up
    there is nothing to settle and the scenario starts as itself.
    """
    weeks = scenario.parameters.warm_up.weeks
    setup: dict[str, StructurePolicy | IncentivePolicy] = {}
    for kind in ("structure", "incentives"):
        own = getattr(scenario, kind)
        before = getattr(scenario, f"warm_up_{kind}", None)
        setup[kind] = before if weeks and before is not None and before != own else own
    return setup


class OrganizationModel(mesa.Model):
    """Employees in departments serving a customer population, week by week.

    Args:
        scenario: The validated scenario (or any :class:`~cxsim.core.policies.Design`).
        seed: The run's seed; one seed reproduces a run bit for bit.
        horizon: Weeks the run will last (``scenario.weeks`` by default); interventions
            without a ``stop`` run to it.

    Attributes:
        departments: The departments, their headcounts and the stages they own.
        customers: The customer population.
        employees: The employees (Mesa agents), by slot; a new hire takes a leaver's slot.
        workforce: The employees' state as arrays, one row per slot.
        observation: The latest week as the metrics see it.
        internal_trust: Department-by-department trust.
        prevention: Prevention capability by department.
        datacollector: Mesa DataCollector with one row of metrics per week.
        disconfirmation_: D = P - E of each customer row last week (NaN without cases).
        cases_seen_: Cases (new, repeat and waiting) worked through so far.
        handoff_volume_: Handoffs so far, owner department x partner department.
    """

    def __init__(
        self,
        scenario: Design,
        seed: int = 0,
        horizon: int | None = None,
        *,
        begin: bool = True,
    ) -> None:
        super().__init__(rng=seed)
        self.departments = list(scenario.departments)
        self.seed = seed
        self.horizon = scenario.weeks if horizon is None else horizon
        self.params = scenario.parameters
        self.streams = Streams(seed)
        self.warm_up_weeks = scenario.parameters.warm_up.weeks
        settled = settled_setup(scenario)
        self.structure = copy.deepcopy(settled["structure"])
        self.incentives = copy.deepcopy(settled["incentives"])
        self.interventions: list[Programme] = []  # none runs before week 0 (see begin)
        self._week_under_way = False
        self.changes = Changes(self.params.change)
        self.levers = WeekLevers()
        self.restructured_ = False
        self.holds_structure_ = False
        self.programme_cost_ = 0.0

        n_dept = len(scenario.departments)
        self.department_names = [d.name for d in scenario.departments]
        owner = {s: i for i, d in enumerate(scenario.departments) for s in d.stages}
        self.stage_owner = np.array([owner[s] for s in STAGES], dtype=np.int64)
        self.stage_cdf = self._stage_cdf()
        self.partner_cdf = self._partner_cdf()

        slot_department = np.repeat(
            np.arange(n_dept), [d.headcount for d in scenario.departments]
        ).astype(np.int64)
        self.slot_department = slot_department
        self._organize(time=0)
        self.previous_levers_ = self.base_levers_ = StructureLevers.of(self.structure)
        self.structure_levers_ = self.base_levers_
        index_in_department = np.concatenate(
            [np.arange(d.headcount) for d in scenario.departments]
        ).astype(np.int64)
        self.department_keys = np.array([decision_key(d.name) for d in scenario.departments])
        self.slot_key = (self.department_keys[slot_department] << 20) | index_in_department
        # each department numbers its positions in order of opening, never reusing one
        self.positions_opened_ = np.array([d.headcount for d in scenario.departments])
        self.vacated_: list[int] = []  # slots whose leaver is not replaced this week
        self.workforce = Workforce()  # the employees' state, a row per slot
        self._roster: list[Employee] = []  # Mesa's agents in slot order, kept as slots change
        self.staffing = StaffingPlan(
            np.array([d.headcount for d in scenario.departments]), self.params.staffing
        )
        for slot, dept in enumerate(slot_department):
            self._hire(slot, int(dept), time=-1, new_hire=False)

        self.customers = Customers(
            self.params.customers, self.params.satisfaction, self.streams, self.routing.pods
        )
        self.initial_trust = float(self.customers.trust[self.customers.slots].mean())
        self.internal_trust = InternalTrust(n_dept, self.params.internal_trust)
        self.prevention = PreventionCapability(n_dept, self.params.prevention)
        self.backlog = CaseBatch.empty()
        self.rolling = RollingCounts()
        self.observation: Observation | None = None
        self.disconfirmation_ = np.zeros(0)
        self.cases_seen_ = 0
        self.handoff_volume_ = np.zeros((n_dept, n_dept))
        satisfaction = self.customers.satisfaction[self.customers.slots]
        self._last_csat = float((satisfaction >= self.params.service.satisfied_rating).mean())
        self._quits = np.zeros(n_dept)

        self.structure.setup(self)
        self.incentives.setup(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={m.name: m.reporter() for m in METRICS},
            tables={"departments": list(DEPARTMENT_COLUMNS)},
        )
        self.starting_customers = self.params.customers.count
        self.settle()
        if begin:
            self.begin(scenario, horizon)

    # -- the week ----------------------------------------------------------------------
    @property
    def elapsed(self) -> int:
        """Weeks simulated so far, warm-up included, read off Mesa's step count.

        Mesa's step count is the model's one clock; it counts a step as it begins, so
        during :meth:`step` this is ``steps - 1``, the week under way. Random draws and
        customer clocks (renewal dates) run on it.
        """
        return self.steps - 1 if self._week_under_way else self.steps

    @property
    def week(self) -> int:
        """Reported weeks completed: :attr:`elapsed` less the warm-up.

        Between steps, the week that runs next (numbered from 0); during :meth:`step`,
        the week under way. Negative during the warm-up. Interventions' windows and
        results are in these weeks.
        """
        return self.elapsed - self.warm_up_weeks

    def settle(self) -> None:
        """Settle the organization under its starting setup, unreported.

        Runs ``warm_up.weeks`` weeks; no intervention runs before week 0. Scenarios that
        settle alike (:func:`settled_setup`) reach the same settled organization from
        the same seed, so one settled model can :meth:`begin` each of them
        (:func:`cxsim.core.simulation.run_settled`).
        """
        for _ in range(self.warm_up_weeks):
            self.step()

    def begin(self, scenario: Design, horizon: int | None = None) -> None:
        """Start ``scenario`` at week 0 from the organization as settled.

        A scenario that settled as the organization was before its change (``[warm_up]
        structure`` or ``incentives``) switches to its own now, as a restructure does:
        pods at once, their ways adopted gradually and, being the scenario's own
        structure rather than a programme, held for the whole run. Its interventions are
        set up. After a warm-up, the customers active now become the starting cohort and
        what results count (cases, handoffs) restarts; the trailing-quarter counts keep the settled
        weeks, so week 1 reports rates at rest.

        Args:
            scenario: The scenario to run; it must settle as this model did.
            horizon: Weeks the run will last (``scenario.weeks`` by default).
        """
        self.horizon = scenario.weeks if horizon is None else horizon
        changed = {
            kind: copy.deepcopy(own)
            for kind, own in (
                ("structure", scenario.structure),
                ("incentives", scenario.incentives),
            )
            if self.warm_up_weeks and settled_setup(scenario)[kind] is not own
        }
        self.interventions = sorted(
            copy.deepcopy(list(scenario.interventions)), key=lambda i: type(i).order
        )
        for intervention in self.interventions:
            intervention.setup(self)
        if changed:
            self.restructure(**changed)
            # the scenario's own structure, not a programme: held for the whole run
            self.holds_structure_ = "structure" in changed
        if self.warm_up_weeks:
            c = self.customers
            c.mark_initial()
            self.starting_customers = c.active_count
            if self.starting_customers:
                self.initial_trust = float(c.trust[c.slots][c.active[c.slots]].mean())
            self.cases_seen_ = 0
            self.handoff_volume_[:] = 0.0

    @property
    def employees(self) -> list[Employee]:
        """The employees by slot: Mesa's agents, the one record of them, in slot order.

        Kept as hires and closed positions change the slots, rather than sorted from
        the agents every week (``tests/core/test_model.py`` checks they agree).
        """
        return list(self._roster)

    def step(self) -> None:
        """Simulate one week, in the order of docs/ODD.md.

        Policies, cases, routing and work, customers, renewal and acquisition,
        incentives with morale and staffing, prevention, record.
        """
        self._week_under_way = True
        time, week = self.elapsed, self.week
        self.update_policies(week)
        cases = self.generate_cases(time)
        employees = self.employees  # by slot, listed once a week
        staff = self.staff_snapshot()
        work = self.serve(cases, staff, time)
        self.update_customers(work)
        renewals = self.renew_and_acquire(time)
        self.reward_and_staff(work, staff, employees, time)
        self.prevention.update(
            self._department_mean(staff.allocation[:, 2]),
            self.structure_levers_.prevention_multiplier,
        )
        self.internal_trust.update(work.pair_success, work.pair_failure, work.pair_handoffs)
        self.handoff_volume_ += work.pair_handoffs
        self.record(work, staff, employees, renewals, week)
        self.plan_staffing(work, staff, time)
        self._week_under_way = False

    def run(self, weeks: int | None = None) -> None:
        """Run for ``weeks`` weeks (the model's horizon by default)."""
        for _ in range(self.horizon if weeks is None else weeks):
            self.step()

    # -- phases --------------------------------------------------------------------------
    def update_policies(self, week: int) -> None:
        """Phase 1: run the interventions whose window holds this week; update changes.

        The scheduler, not the intervention, reads the clock: ``on_start`` in the start
        week, ``step`` in every week of ``[start, stop)``, ``on_stop`` in the stop week.
        """
        self.levers = levers = WeekLevers()
        self.programme_cost_ = 0.0
        for intervention in self.interventions:
            stop = self.horizon if intervention.stop is None else intervention.stop
            if week == stop:
                intervention.on_stop(self)
            if not intervention.start <= week < stop:
                continue
            if week == intervention.start:
                intervention.on_start(self)
                self.programme_cost_ += intervention.one_off_cost
            intervention.step(self, levers, week - intervention.start)
            intervention.running(levers)
            self.programme_cost_ += intervention.cost_per_week
        self.changes.update(
            sustained=levers.sustained, held=("adoption",) if self.holds_structure_ else ()
        )
        level = self.changes.level
        current = StructureLevers.of(self.structure)
        if self.restructured_:
            current = self.previous_levers_.blend(current, level["adoption"])
        self.base_levers_ = current  # the structure's own levers, before lasting changes
        self.structure_levers_ = current.shifted(
            information=level["information"],
            help_norm=level["help"],
            handoff_relief=level["handoff_relief"],
        )

    # -- what interventions may do (cxsim.core.policies.Organization) ------------------
    @property
    def restructured(self) -> bool:
        """Whether a restructure has happened in this run."""
        return self.restructured_

    def aim(self, change: str, target: float) -> None:
        """Aim a lasting change at ``target`` (see :meth:`Changes.aim`)."""
        self.changes.aim(change, target)

    def train(self, rate: float, target_skill: float, newer_than: int | None = None) -> None:
        """Train every employee, or those with under ``newer_than`` weeks' tenure.

        Each closes ``rate`` of the gap between their skill and ``target_skill``.
        """
        for employee in self.employees:
            if newer_than is None or employee.tenure < newer_than:
                employee.train(rate, target_skill)

    def restructure(
        self,
        structure: StructurePolicy | None = None,
        incentives: IncentivePolicy | None = None,
    ) -> None:
        """Switch the structure and/or incentive scheme from now on.

        The new structure's pods and routing apply at once; its levers are adopted
        gradually from the ones in force (the change ``adoption``).
        """
        if structure is not None:
            self.holds_structure_ = False  # a programme's restructure holds while it runs
            self.previous_levers_ = self.base_levers_
            self.structure = structure
            self.structure.setup(self)
            self._organize(self.elapsed)
            self.customers.assign_pods(self.routing.pods)
            self.changes.restart("adoption", 1.0)
        if incentives is not None:
            self.incentives = incentives
            self.incentives.setup(self)
        self.restructured_ = True

    def _organize(self, time: int) -> None:
        """Assign pods and build the routing of the current structure (at ``time``)."""
        pods = self.structure.assign_pods(
            self.slot_department, self.streams.generator("structure/pods", time)
        )
        n_pods = int(pods.max()) + 1 if (pods >= 0).any() else 1
        functioning = self.structure.functioning_pods(
            n_pods, self.streams.generator("structure/teams", time)
        )
        self.slot_pod = pods
        self.routing = Routing.build(
            self.slot_department, pods, len(self.department_names), functioning
        )
        self.reward_group = np.where(pods >= 0, pods, self.slot_department)

    def generate_cases(self, time: int) -> CaseBatch:
        """Phase 2: new cases for active customers, after last week's carried cases."""
        c = self.customers
        p = self.params.cases
        carried = self.backlog.take(c.active[self.backlog.customer])
        moved = c.compact()  # rows of customers who left are dropped now and then
        if moved is not None:
            carried.customer = moved[carried.customer]
        fresh = new_cases(
            streams=self.streams,
            week=time,
            active=c.active[c.slots],
            slot_id=c.slot_id[c.slots],
            phase=c.phase(time),
            stage_cdf=self.stage_cdf,
            stage_owner=self.stage_owner,
            touchpoint_rate=p.touchpoint_rate,
            problem_rate=p.problem_rate,
            capability=self.prevention.level,
            cross_functional_share=p.cross_functional_share,
            partner_cdf=self.partner_cdf,
        )
        return CaseBatch.concat(carried, fresh)

    def staff_snapshot(self) -> Staff:
        """The workforce (the employees by slot) as arrays, for the week's vectorised work."""
        w = Workforce
        rows = self.workforce.state[: self.workforce.size].copy()  # as the week begins
        skill, allocation = rows[:, w.SKILL], rows[:, w.ALLOCATION]
        morale = rows[:, w.ENGAGEMENT] - rows[:, w.STRAIN]
        # one person covering a department's whole case mix works with less depth
        depth_loss = self.structure_levers_.specialization_loss * self.routing.breadth
        ep = self.params.employees
        floor = ep.productivity_floor
        productivity = floor + (1.0 - floor) * (skill - depth_loss) / max(ep.initial_skill, 1e-9)
        working = ep.capacity * self._working_share(programmes=True) * productivity
        # people serve a queue their own unit owns faster than a department's shared one
        ownership = 1.0 + self.structure_levers_.queue_ownership * self.routing.breadth
        return Staff(
            department=self.slot_department,
            skill=skill,
            morale=morale,
            allocation=allocation,
            serve_capacity=working * allocation[:, 0] * ownership,
            help_capacity=working * allocation[:, 1],
            working=working,
            depth_loss=depth_loss,
            ownership=ownership,
            sought=rows[:, w.SOUGHT],
        )

    def serve(self, cases: CaseBatch, staff: Staff, time: int) -> WorkWeek:
        """Phases 3-4: route cases within capacity and resolve them."""
        c = self.customers
        work = work_week(
            cases,
            staff,
            self.routing,
            Conditions(self.structure_levers_, self.internal_trust.matrix),
            Clientele(c.pod[c.slots], c.expectation[c.slots], c.size),
            self.params,
            CaseDraws(self.streams, time, cases),
        )
        self.backlog = work.carried
        return work

    def update_customers(self, work: WorkWeek) -> None:
        """Phase 5: satisfaction, trust, expectations and effort."""
        self.disconfirmation_ = self.customers.experience(
            work.performance_sum,
            work.cases,
            work.recoveries,
            work.effort,
            self.params.satisfaction,
            self.params.trust,
            self.params.effort.decay,
            self.changes.level["promise_alignment"],
        )

    def renew_and_acquire(self, time: int) -> dict[str, float]:
        """Phase 6: renewals decide, churners leave, new customers arrive.

        During the warm-up every churner is replaced, so the organization settles at
        the book its scenario names (docs/ODD.md 5); from week 0 arrivals follow paid
        acquisition and recommendations (docs/ODD.md 7.9).
        """
        c = self.customers
        due, draws, probability, active_before = c.renewals(
            time, self.streams.stream_key("customers/renewal", time), self.params.repurchase
        )
        stays = draws < probability
        c.renew(due, stays, time)
        churned = int(len(due) - stays.sum())
        arrivals = churned if self.week < 0 else self._acquisitions(time)
        c.age()
        c.acquire(arrivals, time)
        return {
            "due": float(len(due)),
            "renewed": float(stays.sum()),
            "churned": float(churned),
            "acquired": float(arrivals),
            "active_before": float(active_before),
        }

    def reward_and_staff(
        self, work: WorkWeek, staff: Staff, employees: list[Employee], time: int
    ) -> np.ndarray:
        """Phase 7: the scheme rewards; employees update morale and effort; some quit.

        ``employees`` lists them by slot; a new hire takes a leaver's place in it.
        """
        p = self.params
        c = self.customers
        active = c.active[c.slots]
        performance = Performance(
            work=work,
            allocation=staff.allocation,
            skill=staff.skill,
            group=self.reward_group,
            trust=float(c.trust[c.slots][active].mean()) if active.any() else 0.0,
            initial_trust=self.initial_trust,
            gaming_lift=p.service.gaming_lift,
        )
        achievement = self.incentives.achievement(performance)
        pull = self.incentives.pull(
            self.reward_group, p.allocation.incentive_strength, p.allocation.free_riding_size
        )
        touched = work.handled + work.help_given + work.help_failed
        conflict = (work.handoff_failures + work.help_failed) / np.maximum(touched, 1.0)
        overall_success = work.resolved.sum() / max(work.problems.sum(), 1.0)
        success = np.where(
            work.problems > 0, work.resolved / np.maximum(work.problems, 1.0), overall_success
        )
        reliability = np.where(
            work.handoffs > 0, 1.0 - work.handoff_failures / np.maximum(work.handoffs, 1.0), 1.0
        )
        share = p.morale.structure_support_share
        levers = self.structure_levers_
        support = share * levers.team_support + (1.0 - share) * reliability
        partner_trust = self.internal_trust.toward_others()[self.slot_department]
        n = len(employees)
        # one float per employee (and per use of time), whatever a user's scheme returns
        achievement = self._per_employee(achievement, (n,), "achievement")
        pull = self._per_employee(pull, (n, len(USES)), "pull")
        week = WeekAtWork(
            load=work.load,
            conflict=conflict,
            success=success,
            support=support,
            achievement=achievement,
            partner_trust=partner_trust,
            engagement_boost=np.full(n, self.levers.engagement + self.changes.level["engagement"]),
            change_strain=np.full(n, self.levers.strain),
            pull=pull,
        )
        end_week(self.workforce, week, p, levers.help_norm)

        quit_draws = self.streams.keyed_uniform("turnover/quit", time, self.slot_key)
        morale = self.workforce.morale
        quitting = np.flatnonzero(quit_draws < quit_probability(morale, p)).tolist()
        self._quits = np.zeros(len(self.department_names))
        headcount = np.bincount(self.slot_department, minlength=len(self.department_names))
        for slot in quitting:
            employee = employees[slot]
            department = employee.department
            self._quits[department] += 1
            employee.remove()
            if self.staffing.replaces(department, int(headcount[department])):
                employees[slot] = self._hire(slot, department, time, new_hire=True)
            else:  # the position closes when the week is recorded (phase 10)
                headcount[department] -= 1
                self.vacated_.append(slot)
        return achievement

    def _per_employee(self, values: object, shape: tuple[int, ...], what: str) -> np.ndarray:
        """A scheme's answer as floats of ``shape``, or an error naming the scheme."""
        try:
            array = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            array = None
        if array is None or array.size != math.prod(shape):
            got = "got a non-numeric value" if array is None else f"got shape {array.shape}"
        elif not np.isfinite(array).all():
            got = f"{int(array.size - np.isfinite(array).sum())} of them NaN or infinite"
        else:
            return array.reshape(shape)
        per = "one per employee" if len(shape) == 1 else "a row of four per employee"
        scheme = getattr(self.incentives, "type_name", lambda: type(self.incentives).__name__)
        raise InputError(
            f"incentives ({scheme()}).{what}", f"finite numbers, {per}, shape {shape}; {got}"
        )

    # -- staffing --------------------------------------------------------------------------
    def plan_staffing(self, work: WorkWeek, staff: Staff, time: int) -> None:
        """Phase 10: departments follow their demand and new hires start (:mod:`.staffing`).

        The plan converts demand into headcount at the case-work capacity people have
        without this week's programmes (training, reorganizing): their time away ends with
        their window, so it is met by the people there are, not by permanent hires.
        Positions whose leavers were not replaced this week close first (the department
        shrinks by attrition). A new employee takes a new slot; under pods they join the
        pod with the fewest of their department's members (then the smallest pod), so no
        one else moves.
        """
        n = len(self.department_names)
        # the work done (cases served, help given) plus the cases left waiting: the same
        # unit as occupancy; help asked of one person beyond their help time is rushed,
        # not waiting, and more colleagues would not be the ones asked (7.16)
        done = work.handled + work.help_used
        demand = np.bincount(self.slot_department, weights=done, minlength=n)
        demand = demand + work.department_waiting
        capacity = np.bincount(
            self.slot_department, weights=staff.serve_capacity + staff.help_capacity, minlength=n
        )
        # without this week's programmes, whose time away ends with their window
        capacity *= self._working_share(programmes=False) / self._working_share(programmes=True)
        headcount = np.bincount(self.slot_department, minlength=n)
        vacated = np.bincount(self.slot_department[self.vacated_], minlength=n)
        starting = self.staffing.review(demand, capacity, headcount, time, vacated)
        if not starting.any() and not self.vacated_:
            return
        self._close_positions()
        for department in np.repeat(np.arange(n), starting):
            self._add_slot(int(department), time)
        self.routing = Routing.build(
            self.slot_department, self.slot_pod, n, self.routing.functioning
        )
        self.reward_group = np.where(self.slot_pod >= 0, self.slot_pod, self.slot_department)

    def _working_share(self, programmes: bool) -> float:
        """Share of working time left for work after coordinating (and programmes).

        At least a tenth of the week is always left for work.
        """
        away = self.structure_levers_.coordination
        if programmes:
            away += self.levers.time_away
        return 1.0 - min(0.9, away)

    def _close_positions(self) -> None:
        """Drop the slots whose leavers were not replaced; the others keep their order."""
        if not self.vacated_:
            return
        keep = np.ones(len(self.slot_department), dtype=bool)
        keep[self.vacated_] = False
        self.vacated_ = []
        self.slot_department = self.slot_department[keep]
        self.slot_pod = self.slot_pod[keep]
        self.slot_key = self.slot_key[keep]
        self.workforce.keep(keep)
        self._roster = [e for e, kept in zip(self._roster, keep.tolist(), strict=True) if kept]
        for slot, employee in enumerate(self._roster):
            employee.slot = slot

    def _add_slot(self, department: int, time: int) -> None:
        """Give a new employee of ``department`` a slot of their own, and hire them."""
        slot = len(self.slot_department)
        index = int(self.positions_opened_[department])
        self.positions_opened_[department] += 1
        pod = -1
        if (self.slot_pod >= 0).any():
            pods = self.routing.pods
            members = np.bincount(self.slot_pod[self.slot_department == department], minlength=pods)
            sizes = np.bincount(self.slot_pod, minlength=pods)
            pod = int(np.lexsort((np.arange(pods), sizes, members))[0])
        self.slot_department = np.append(self.slot_department, department)
        self.slot_pod = np.append(self.slot_pod, pod)
        self.slot_key = np.append(self.slot_key, (self.department_keys[department] << 20) | index)
        self._hire(slot, department, time, new_hire=True)

    def _hire(self, slot: int, department: int, time: int, new_hire: bool) -> Employee:
        """Create the employee of a slot: a starting employee, or a new hire who learns.

        Traits are drawn by the slot's identity within its department, so changing one
        department's headcount leaves every other employee's luck unchanged.
        """
        ep = self.params.employees
        if new_hire:
            rng = self.streams.generator("hiring/traits", time, self.slot_key[slot])
        else:
            rng = self.streams.generator("employees/initial", 0, self.slot_key[slot])
        k = ep.orientation_spread
        mean = ep.service_orientation
        if new_hire:  # recruiting may shift who is hired
            mean = float(np.clip(mean + self.levers.hiring_orientation, 0.01, 0.99))
        orientation = float(rng.beta(mean * k, (1 - mean) * k))
        skill = ep.new_hire_skill
        if not new_hire:
            skill = float(np.clip(rng.normal(ep.initial_skill, ep.skill_spread), 0.0, 1.0))
        spread = ep.help_concentration  # log-normal with mean 1 (Cross, Rebele & Grant 2016)
        sought = float(np.exp(spread * rng.standard_normal() - spread * spread / 2.0))
        employee = Employee(
            self,
            slot=slot,
            department=department,
            skill=skill,
            orientation=orientation,
            engagement=self.params.morale.initial_engagement,
            strain=self.params.morale.initial_strain,
            allocation=starting_allocation(orientation, self.params),
            sought=sought,
        )
        if slot == len(self._roster):
            self._roster.append(employee)
        else:  # a new hire takes a leaver's slot
            self._roster[slot] = employee
        return employee

    # -- measurement -----------------------------------------------------------------------
    def _stage_cdf(self) -> np.ndarray:
        j = self.params.journey
        rows = []
        for mix in (j.onboarding_mix, j.usage_mix, j.renewal_mix):
            w = np.array([mix.get(s, 0.0) for s in STAGES])
            rows.append(np.cumsum(w / w.sum()))
        cdf = np.array(rows)
        cdf[:, -1] = 1.0
        return cdf

    def _partner_cdf(self) -> np.ndarray:
        """Partner departments are drawn in proportion to headcount (where work is done)."""
        headcount = np.array([d.headcount for d in self.departments], dtype=float)
        n = len(headcount)
        weights = np.tile(headcount, (n, 1))
        np.fill_diagonal(weights, 0.0)
        totals = weights.sum(axis=1, keepdims=True)
        cdf = np.cumsum(np.divide(weights, totals, where=totals > 0, out=weights * 0), axis=1)
        cdf[:, -1] = 1.0
        return cdf

    def _department_mean(self, values: np.ndarray) -> np.ndarray:
        sums = np.bincount(
            self.slot_department, weights=values, minlength=len(self.department_names)
        )
        return sums / np.bincount(self.slot_department, minlength=len(self.department_names))

    def _acquisitions(self, time: int) -> int:
        """New customers this week: paid acquisition plus referrals less detraction."""
        a = self.params.acquisition
        promoters, detractors = self._promoters_detractors()
        rate = (
            a.base_rate * self.params.customers.count
            + a.referral_rate * promoters
            - a.detraction_rate * detractors
        )
        return int(self.streams.generator("customers/acquisition", time).poisson(max(rate, 0.0)))

    def _promoters_detractors(self) -> tuple[int, int]:
        c, a = self.customers, self.params.acquisition
        promoters, detractors = customer_formulas.recommenders(
            c.active[c.slots],
            c.trust[c.slots],
            c.satisfaction[c.slots],
            c.advocacy[c.slots],
            a.trust_in_recommendation,
            a.recommendation_offset,
            a.recommendation_spread,
            a.promoter_threshold,
            a.detractor_threshold,
        )
        return int(promoters), int(detractors)

    def record(
        self,
        work: WorkWeek,
        staff: Staff,
        employees: list[Employee],
        renewals: dict[str, float],
        week: int,
    ) -> None:
        """Phase 9: observe the week and collect the metrics (:mod:`cxsim.core.metrics`)."""
        c = self.customers
        active = c.active[c.slots]
        totals = work.totals
        self.cases_seen_ += int(totals["cases"])
        self.rolling.add(
            renewed=renewals["renewed"],
            due=renewals["due"],
            churned=renewals["churned"],
            active=renewals["active_before"],
            quits=float(self._quits.sum()),
            headcount=float(len(employees)),
        )
        if totals["surveyed"] > 0:
            self._last_csat = totals["survey_satisfied"] / totals["surveyed"]
        if week < 0:  # warm-up weeks are neither reported nor costed: nothing to observe
            return
        promoters, detractors = self._promoters_detractors()
        econ = self.params.economics
        headcount = len(employees)
        self.observation = Observation(
            work=work,
            staff=staff,
            trust=c.trust[c.slots][active],
            effort=c.effort[c.slots][active],
            csat=self._last_csat,
            promoters=promoters,
            detractors=detractors,
            retained=int((active & c.initial[c.slots]).sum()),
            starting_customers=self.starting_customers,
            rolling=self.rolling,
            morale=self.workforce.morale,
            revenue=econ.margin_per_customer_week * float(c.margin[c.slots][active].sum()),
            costs={
                "salary_cost": headcount * econ.salary_per_employee / 52.0,
                "incentive_cost": headcount * econ.bonus_pool,
                "leaver_cost": self._quits.sum()
                * econ.leaver_cost_share
                * econ.salary_per_employee,
                "acquisition_spend": renewals["acquired"] * econ.acquisition_cost,
                "programme_cost": self.programme_cost_,
            },
        )
        self.datacollector.collect(self)
        self._record_departments(work, staff, self.observation.morale, week)

    def _record_departments(
        self, work: WorkWeek, staff: Staff, morale: np.ndarray, week: int
    ) -> None:
        n = len(self.department_names)
        dept = self.slot_department
        handoffs = np.bincount(dept, weights=work.handoffs, minlength=n)
        failures = np.bincount(dept, weights=work.handoff_failures, minlength=n)
        others = self.internal_trust.toward_others()
        means = {
            "morale": self._department_mean(morale),
            "skill": self._department_mean(staff.skill),
            "help_share": self._department_mean(staff.allocation[:, 1]),
            "prevent_share": self._department_mean(staff.allocation[:, 2]),
            "game_share": self._department_mean(staff.allocation[:, 3]),
        }
        headcount = np.bincount(dept, minlength=n)
        for d, name in enumerate(self.department_names):
            self.datacollector.add_table_row(
                "departments",
                {
                    "week": week + 1,
                    "department": name,
                    "headcount": int(headcount[d]),
                    **{k: float(v[d]) for k, v in means.items()},
                    "cases": float(work.department_cases[d]),
                    "waiting": float(work.department_waiting[d]),
                    "handoff_failure_rate": float(failures[d] / handoffs[d])
                    if handoffs[d]
                    else 0.0,
                    "prevention_capability": float(self.prevention.level[d]),
                    "internal_trust": float(others[d]),
                    "quits": float(self._quits[d]),
                },
            )

    # -- results -------------------------------------------------------------------------------
    def latest_metrics(self) -> dict[str, float]:
        """The last week's metrics by name (empty before the first week)."""
        return {
            name: values[-1] for name, values in self.datacollector.model_vars.items() if values
        }

    def metrics_frame(self) -> pd.DataFrame:
        """Weekly metrics, one row per week (index ``week``, starting at 1)."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="week")
        return frame

    def departments_frame(self) -> pd.DataFrame:
        """Weekly per-department figures, one row per department and week."""
        return self.datacollector.get_table_dataframe("departments")
