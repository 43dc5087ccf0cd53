"""The model's parameter set: every constant, with its default, unit and source.

Each group is a section of a scenario file (``[cases]``, ``[trust]``, ...), and every
value can be overridden with ``--set group.name=value``. Defaults are starting points
from the literature named in ``source``, set so that the siloed baseline lands in
published ranges (see ``docs/ODD.md``); they are not truths about any one organization.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cxsim.validation.declare import describe, param
from cxsim.validation.limits import MAX_CUSTOMERS
from cxsim.validation.plausible import Plausible

__all__ = ["STAGES", "ModelParameters", "plausible_constants"]

STAGES: tuple[str, ...] = (
    "awareness",
    "purchase",
    "onboarding",
    "usage",
    "support",
    "billing",
    "renewal",
)
"""The journey stages a customer's cases belong to; departments own them."""

_PHASE_SOURCE = "assumed journey mix (Hunsaker: the journey is horizontal across departments)"


@dataclass(kw_only=True)
class CustomerParameters:
    """The customer population: size, starting state and renewal cycle."""

    count: int = param(
        20000,
        ge=1,
        le=MAX_CUSTOMERS,
        unit="customers",
        source="the organization modelled",
        help="customers at week 0",
    )
    initial_trust: float = param(
        0.7, ge=0.01, le=0.99, unit="0-1", source="assumed", help="mean trust at week 0"
    )
    initial_expectation: float = param(
        0.65, ge=0, le=1, unit="0-1", source="assumed", help="mean expectation at week 0"
    )
    spread: float = param(
        20.0,
        gt=0,
        unit="Beta concentration",
        source="assumed",
        help="concentration of the Beta laws of starting trust and expectation",
    )
    margin_spread: float = param(
        0.5,
        ge=0,
        le=3,
        unit="sd of log margin",
        source="assumed",
        help="spread of customers' margins (log-normal with mean 1)",
    )
    renewal_weeks: int = param(
        26,
        ge=1,
        unit="weeks",
        source="assumed semi-annual subscription",
        help="weeks between renewal decisions",
    )
    onboarding_weeks: int = param(
        8, ge=0, unit="weeks", source="assumed", help="weeks a new customer spends in onboarding"
    )
    renewal_window_weeks: int = param(
        4, ge=0, unit="weeks", source="assumed", help="weeks before renewal in the renewal phase"
    )


@dataclass(kw_only=True)
class JourneyParameters:
    """Which journey stages a customer's cases belong to, by phase of the relationship."""

    onboarding_mix: dict[str, float] = param(
        {
            "awareness": 0.05,
            "purchase": 0.15,
            "onboarding": 0.45,
            "usage": 0.10,
            "support": 0.15,
            "billing": 0.10,
        },
        unit="relative weight",
        source=_PHASE_SOURCE,
        help="stage mix of cases in the first weeks",
    )
    usage_mix: dict[str, float] = param(
        {
            "awareness": 0.08,
            "purchase": 0.04,
            "onboarding": 0.03,
            "usage": 0.32,
            "support": 0.35,
            "billing": 0.18,
        },
        unit="relative weight",
        source=_PHASE_SOURCE,
        help="stage mix of cases during use",
    )
    renewal_mix: dict[str, float] = param(
        {
            "awareness": 0.05,
            "purchase": 0.05,
            "usage": 0.15,
            "support": 0.20,
            "billing": 0.20,
            "renewal": 0.35,
        },
        unit="relative weight",
        source=_PHASE_SOURCE,
        help="stage mix of cases in the weeks before renewal",
    )


@dataclass(kw_only=True)
class CaseParameters:
    """What customers bring in a week."""

    touchpoint_rate: float = param(
        0.2, ge=0, le=2, unit="per customer-week", source="assumed", help="routine touchpoints"
    )
    problem_rate: float = param(
        0.08,
        ge=0,
        le=2,
        unit="per customer-week",
        source="assumed; Repenning & Sterman 2001 (lowered by prevention)",
        help="problems before prevention (lambda0)",
        plausible=Plausible.triangular(0.05, 0.08, 0.11),
    )
    cross_functional_share: float = param(
        0.7,
        ge=0,
        le=1,
        unit="share",
        source="Hunsaker: nearly every hassle needs cross-functional resolution",
        help="share of problems that need a partner department",
        plausible=Plausible.uniform(0.1, 0.9),
    )
    specialist_share: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share",
        source=(
            "assumed; people seek out whoever they know has the expertise (Borgatti & Cross "
            "2003; Cross, Rebele & Grant 2016)"
        ),
        help="share of partner steps that need a particular specialist, not any member",
        plausible=Plausible.uniform(0.2, 0.8),
    )
    max_attempts: int = param(
        3, ge=1, unit="contacts", source="assumed", help="contacts before a problem is abandoned"
    )
    max_wait_weeks: int = param(
        2, ge=0, unit="weeks", source="assumed", help="weeks a case waits before it is abandoned"
    )


@dataclass(kw_only=True)
class ServiceParameters:
    """How well a case is served: quality of the owning employee's work."""

    touch_performance: float = param(
        0.70, ge=0, le=1, unit="0-1", source="assumed", help="perceived performance, touchpoint"
    )
    resolved_performance: float = param(
        0.70,
        ge=0,
        le=1,
        unit="0-1",
        source="assumed: as a routine touchpoint (SQM Group: first-contact resolution "
        "is what satisfies)",
        help="problem solved at first contact",
    )
    repeat_contact_cost: float = param(
        0.065,
        ge=0,
        le=1,
        unit="0-1 per earlier contact",
        source="calibrated: SQM Group, satisfaction falls about 15% with each further "
        "contact on the same problem",
        help="perceived performance a resolution loses for each earlier contact it took",
    )
    failed_performance: float = param(
        0.12, ge=0, le=1, unit="0-1", source="assumed", help="a failed contact"
    )
    abandoned_performance: float = param(
        0.0, ge=0, le=1, unit="0-1", source="assumed", help="a problem given up on"
    )
    noise: float = param(
        0.08, ge=0, le=0.5, unit="0-1 (sd)", source="assumed", help="case-to-case variation"
    )
    skill_effect: float = param(
        0.25, ge=0, unit="per unit skill", source="assumed", help="skill on performance"
    )
    morale_effect: float = param(
        0.10, ge=0, unit="per unit morale", source="job demands-resources", help="morale on work"
    )
    information_effect: float = param(
        0.10,
        ge=0,
        unit="per unit visibility",
        source="Hunsaker: information feeds the interaction",
        help="customer information visible to the employee on performance",
    )
    information_reference_share: float = param(
        0.7,
        gt=0,
        le=1,
        unit="share of problems",
        source="Galbraith 1974; Thompson 1967: lateral information pays with interdependence",
        help="share of problems crossing departments at which information_effect holds",
    )
    solve_base: float = param(
        0.88,
        ge=0,
        le=1,
        unit="probability",
        source="calibrated: first-contact resolution 60-80% (SQM Group)",
        help="chance the owner solves its part, at reference skill",
    )
    survey_rate: float = param(
        0.3,
        ge=0,
        le=1,
        unit="share of problem contacts",
        source="assumed; SQM Group surveys customers after a contact about a problem",
        help="contacts on a problem that are surveyed",
    )
    satisfied_rating: float = param(
        0.6,
        ge=0,
        le=1,
        unit="0-1 rating",
        source="CSAT as reported: top two boxes of a five-point scale (SQM Group; ACSI)",
        help="lowest rating counted satisfied in csat (0.6: the upper two fifths)",
    )
    gaming_cost: float = param(
        0.6,
        ge=0,
        unit="per unit gaming share",
        source="Campbell's law; Bevan & Hood 2006",
        help="quality lost per unit of effort spent gaming the metric",
        plausible=Plausible.triangular(0.3, 0.6, 1.2),
    )
    gaming_screening: float = param(
        1.0,
        ge=0,
        unit="per unit gaming share",
        source="assumed; Bevan & Hood 2006 (gaming by selecting what is measured)",
        help="share of failed contacts kept out of the survey per unit of effort spent gaming",
    )
    gaming_lift: float = param(
        0.8,
        ge=0,
        unit="per unit gaming share",
        source="Bevan & Hood 2006",
        help="rise of the measured score per unit of effort spent gaming it",
    )


@dataclass(kw_only=True)
class HandoffParameters:
    """Handoff failure: p = p0 (1 - kappa T) (1 - sigma structured) (1 - h coverage) friction."""

    base_failure: float = param(
        0.40,
        ge=0,
        le=1,
        unit="probability",
        source="Carley 1991; assumed",
        help="p0",
        plausible=Plausible.triangular(0.25, 0.40, 0.55),
    )
    trust_effect: float = param(
        0.45,
        ge=0,
        le=1,
        unit="kappa",
        source=(
            "De Jong, Dirks & Gillespie 2016 (trust and team performance, rho = .30: "
            "high-trust teams fail about 0.54 as often as low-trust ones); mechanism Carley 1991"
        ),
        help="internal trust on failure",
        plausible=Plausible.triangular(0.2, 0.45, 0.55),
    )
    structured_effect: float = param(
        0.25,
        ge=0,
        le=1,
        unit="sigma",
        source="Starmer et al. 2014 (I-PASS: about 25% fewer errors)",
        help="structured handoffs on failure",
    )
    help_effect: float = param(
        0.5,
        ge=0,
        le=1,
        unit="h",
        source="assumed (no study measures it)",
        help="partner's help coverage on failure",
        plausible=Plausible.uniform(0.2, 0.8),
    )


@dataclass(kw_only=True)
class SatisfactionParameters:
    """Expectation-disconfirmation satisfaction and expectation drift."""

    intercept: float = param(0.05, unit="0-1", source="Oliver 1980", help="s0")
    performance_weight: float = param(
        0.85, ge=0, unit="beta_P", source="Oliver 1980", help="performance on satisfaction"
    )
    positive_weight: float = param(
        0.25, ge=0, unit="beta+", source="Anderson & Sullivan 1993", help="positive surprise"
    )
    negative_weight: float = param(
        0.50,
        ge=0,
        unit="beta-",
        source="Anderson & Sullivan 1993 (beta-/beta+ about 2)",
        help="negative surprise",
    )
    smoothing: float = param(
        0.3, ge=0, le=1, unit="per week", source="assumed", help="weight of the newest week"
    )
    expectation_drift: float = param(
        0.3, ge=0, le=1, unit="gamma", source="Boulding et al. 1993", help="E moves toward P"
    )
    promise: float = param(
        0.03,
        ge=0,
        le=1,
        unit="0-1",
        source="Boulding et al. 1993; Hunsaker (incongruence)",
        help="how far promises hold expectations above experience",
    )


@dataclass(kw_only=True)
class TrustParameters:
    """Asymmetric customer trust: slow to build, quick to lose."""

    gain: float = param(
        0.06, ge=0, le=1, unit="alpha+ per week", source="Slovic 1993", help="trust building"
    )
    loss: float = param(
        0.18,
        ge=0,
        le=1,
        unit="alpha- per week",
        source="Slovic 1993; Mittal et al. 1998 (alpha-/alpha+ about 2-4)",
        help="trust erosion",
        plausible=Plausible.triangular(0.09, 0.18, 0.36),
    )
    tolerance: float = param(
        0.1,
        gt=0,
        le=1,
        unit="0-1",
        source="zone of tolerance (Zeithaml et al. 1993)",
        help="shortfall still felt as expectations met",
    )
    recovery_share: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share",
        source="de Matos et al. 2007",
        help="share of the usual trust gain that a recovered problem earns",
    )


@dataclass(kw_only=True)
class EffortParameters:
    """Customer effort: what each hassle adds, and how fast it is forgotten."""

    per_repeat: float = param(
        0.3,
        ge=0,
        unit="effort",
        source="Dixon et al. 2010",
        help="effort a repeat contact costs the customer",
    )
    per_transfer: float = param(
        0.2,
        ge=0,
        unit="effort",
        source="Dixon et al. 2010",
        help="effort a transfer between departments costs",
    )
    per_wait: float = param(
        0.25,
        ge=0,
        unit="effort",
        source="Dixon et al. 2010",
        help="effort of a week spent waiting for capacity",
    )
    per_abandon: float = param(
        0.8, ge=0, unit="effort", source="Dixon et al. 2010", help="effort of a case given up on"
    )
    repeat_information: float = param(
        0.1,
        ge=0,
        unit="effort",
        source="Dixon et al. 2010 (repeating information)",
        help="per problem, times the share of information the employee cannot see",
    )
    decay: float = param(
        0.05, ge=0, le=1, unit="per week", source="assumed", help="forgetting of past effort"
    )


@dataclass(kw_only=True)
class RepurchaseParameters:
    """Repurchase at renewal: P = (1 - u) logistic(b0 + bT T + bS S - bE effort)."""

    intercept: float = param(
        -0.2,
        unit="logit",
        source="calibrated: churn 10-30%/year",
        help="b0: log-odds of repurchase at zero trust, satisfaction and effort",
    )
    trust_weight: float = param(
        4.0,
        ge=0,
        unit="logit per unit",
        source="Bolton 1998",
        help="bT: weight of trust",
        plausible=Plausible.triangular(2.0, 4.0, 6.0),
    )
    satisfaction_weight: float = param(
        2.0, ge=0, unit="logit per unit", source="Bolton 1998", help="bS: weight of satisfaction"
    )
    effort_weight: float = param(
        0.8,
        ge=0,
        unit="logit per unit",
        source="Dixon et al. 2010",
        help="bE: weight of accumulated effort",
    )
    unavoidable_churn: float = param(
        0.12,
        ge=0,
        le=1,
        unit="share of customers per year",
        source=(
            "Bogomolova & Romaniuk 2009: about 60% of B2B defection is beyond the firm's "
            "influence; Keaveney 1995: price, competition and involuntary switching; assumed "
            "about half of the baseline's churn"
        ),
        help="customers lost a year for reasons service does not touch (closure, budget)",
    )


@dataclass(kw_only=True)
class AcquisitionParameters:
    """New customers: paid acquisition, referrals by promoters, detraction."""

    base_rate: float = param(
        0.00472,
        ge=0,
        le=1,
        unit="share of starting customers per week",
        source="calibrated: holds the siloed baseline's book at its size (docs/ODD.md 9)",
        help="paid acquisition",
    )
    referral_rate: float = param(
        0.002, ge=0, le=1, unit="per promoter-week", source="Reichheld 2003", help="referrals"
    )
    detraction_rate: float = param(
        0.002,
        ge=0,
        le=1,
        unit="per detractor-week",
        source="Reichheld 2003",
        help="lost referrals",
    )
    promoter_threshold: float = param(
        8.5, ge=0, le=10, unit="0-10", source="Reichheld 2003 (9-10)", help="promoter from"
    )
    detractor_threshold: float = param(
        6.5, ge=0, le=10, unit="0-10", source="Reichheld 2003 (0-6)", help="detractor below"
    )
    trust_in_recommendation: float = param(
        0.6,
        ge=0,
        le=1,
        unit="share",
        source="assumed",
        help="weight of trust (rest: satisfaction) in likelihood to recommend",
    )
    recommendation_spread: float = param(
        3.0,
        ge=0,
        le=10,
        unit="0-10 points (sd)",
        source=(
            "Sauro & Lewis (MeasuringU): answers to a rating item spread with a standard "
            "deviation about 25% of the scale's range (21-28%); 3.0 gives 2.5 at rest"
        ),
        help="spread across customers of their own propensity to recommend",
        plausible=Plausible.triangular(2.4, 3.0, 3.6),
    )
    recommendation_offset: float = param(
        1.8,
        ge=-10,
        le=10,
        unit="0-10 points",
        source="calibrated: B2B NPS around 0 to +30 (Bain & Company benchmarks)",
        help="added to 10 x (weighted trust and satisfaction) to give likelihood to recommend",
    )


@dataclass(kw_only=True)
class EmployeeParameters:
    """Employees: capacity, skill and learning, service orientation."""

    capacity: float = param(
        40.0, gt=0, unit="cases per week", source="assumed", help="at full serve effort"
    )
    initial_skill: float = param(
        0.75,
        ge=0,
        le=1,
        unit="0-1",
        source="assumed",
        help="mean skill of the starting workforce (the reference skill)",
    )
    skill_spread: float = param(
        0.05, ge=0, le=0.5, unit="sd", source="assumed", help="spread of starting skill"
    )
    productivity_floor: float = param(
        0.6,
        ge=0,
        le=1,
        unit="share",
        source="learning curve (Argote 1999)",
        help="productivity at zero skill; rises linearly to 1 at the reference skill",
    )
    help_concentration: float = param(
        1.7,
        ge=0,
        le=3,
        unit="log-sd",
        source="Cross, Rebele & Grant 2016: 3-5% of employees give 20-35% of value-added "
        "collaboration; set so that the siloed baseline's top 5% get about a quarter of "
        "requests once settled (exploration seeds 7600-7601)",
        help="spread of how much colleagues seek each employee's help",
    )
    new_hire_skill: float = param(
        0.4, ge=0, le=1, unit="0-1", source="assumed", help="skill of a new hire"
    )
    skill_ceiling: float = param(
        0.9, ge=0, le=1, unit="0-1", source="assumed", help="skill a learning employee approaches"
    )
    learning_rate: float = param(
        0.06,
        ge=0,
        le=1,
        unit="per week",
        source="learning curve (Argote 1999)",
        help="share of the skill gap closed each week",
    )
    service_orientation: float = param(
        0.5, ge=0.01, le=0.99, unit="0-1", source="assumed", help="mean at hiring"
    )
    orientation_spread: float = param(
        10.0,
        gt=0,
        unit="Beta concentration",
        source="assumed",
        help="concentration of the Beta law of service orientation",
    )


@dataclass(kw_only=True)
class AllocationParameters:
    """Effort allocation over serve / help / prevent / game."""

    serve_base: float = param(
        0.75,
        ge=0,
        unit="weight",
        source="assumed",
        help="weight of serving own cases in the effort allocation",
    )
    help_base: float = param(
        0.04,
        ge=0,
        unit="weight",
        source="assumed",
        help="weight of helping other departments, before orientation",
    )
    prevent_base: float = param(
        0.03,
        ge=0,
        unit="weight",
        source="assumed",
        help="weight of root-cause prevention, before orientation",
    )
    orientation_help: float = param(
        0.08,
        ge=0,
        unit="weight per unit orientation",
        source="assumed",
        help="extra help weight per unit of service orientation",
    )
    orientation_prevent: float = param(
        0.04,
        ge=0,
        unit="weight per unit orientation",
        source="assumed",
        help="extra prevention weight per unit of service orientation",
    )
    incentive_strength: float = param(
        0.5,
        ge=0,
        unit="weight",
        source="Holmstrom & Milgrom 1991; Kerr 1975",
        help="pull of the incentive scheme on effort",
        plausible=Plausible.triangular(0.25, 0.5, 1.0),
    )
    trust_effect: float = param(
        0.5,
        ge=0,
        le=1,
        unit="weight",
        source="Carley 1991",
        help="how much internal trust sets willingness to help other departments",
    )
    discretionary_reference: float = param(
        0.5,
        ge=-1,
        le=1,
        unit="morale",
        source="job demands-resources",
        help="morale at which discretionary effort (help, prevention) is at its base",
    )
    gaming_distaste: float = param(
        0.6,
        ge=0,
        le=1,
        unit="share",
        source="assumed",
        help="how much service orientation damps the pull toward gaming",
        plausible=Plausible.triangular(0.3, 0.6, 0.9),
    )
    free_riding_size: float = param(
        10.0,
        gt=0,
        unit="people",
        source="Garbers & Konradt 2014",
        help="reward group size at which a shared reward's pull halves",
        plausible=Plausible.triangular(5.0, 10.0, 20.0),
    )
    adjustment_weeks: float = param(
        8.0, ge=1, unit="weeks", source="assumed", help="time for effort to follow rewards"
    )


@dataclass(kw_only=True)
class MoraleParameters:
    """Job demands-resources morale: engagement G, strain Z, M = G - Z."""

    initial_engagement: float = param(
        0.5, ge=0, le=1, unit="0-1", source="assumed", help="engagement at week 0 and of new hires"
    )
    initial_strain: float = param(
        0.2, ge=0, le=1, unit="0-1", source="assumed", help="strain at week 0 and of new hires"
    )
    engagement_base: float = param(
        0.35, unit="0-1", source="job demands-resources", help="engagement with no job resources"
    )
    reward_effect: float = param(
        0.25,
        ge=0,
        unit="per unit",
        source="JD-R",
        help="engagement from the incentive standing (achievement 0 to 1 maps to -1 to 1)",
    )
    support_effect: float = param(
        0.15, ge=0, unit="per unit", source="JD-R", help="engagement from social support"
    )
    structure_support_share: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share",
        source="JD-R",
        help="share of support from the structure; the rest from partners' reliability",
    )
    success_effect: float = param(
        0.15, ge=0, unit="per unit", source="JD-R", help="engagement from resolving one's problems"
    )
    strain_base: float = param(0.10, unit="0-1", source="JD-R", help="strain with no job demands")
    load_effect: float = param(
        0.5,
        ge=0,
        unit="per unit overload",
        source="JD-R",
        help="strain per unit of load above 0.85",
    )
    load_threshold: float = param(
        0.85, ge=0, unit="load", source="JD-R", help="load above which strain grows"
    )
    conflict_effect: float = param(
        0.3,
        ge=0,
        unit="per unit failure share",
        source="JD-R; Homer 1985",
        help="strain per unit share of failed handoffs in one's work",
    )
    dissonance_effect: float = param(
        0.3,
        ge=0,
        unit="per unit gaming x orientation",
        source="assumed",
        help="strain of gaming against one's service orientation",
    )
    adjustment_weeks: float = param(
        6.0,
        ge=1,
        unit="weeks",
        source="Homer 1985",
        help="time for morale to follow the job's demands and resources",
    )


@dataclass(kw_only=True)
class TurnoverParameters:
    """Quitting P = q0 exp(-k M), replacement by new hires."""

    base_quit: float = param(
        0.01,
        ge=0,
        le=1,
        unit="per week",
        source="calibrated: turnover 10-45%/year (BLS JOLTS)",
        help="q0, at morale 0",
    )
    morale_sensitivity: float = param(
        3.0, ge=0, unit="k", source="Homer 1985", help="k: how steeply quitting falls with morale"
    )


@dataclass(kw_only=True)
class PreventionParameters:
    """Prevention capability: Cap += eta prevent - delta Cap; lambda = lambda0 (1 - Cap)."""

    initial_capability: float = param(
        0.1, ge=0, le=0.95, unit="0-1", source="assumed", help="capability at week 0"
    )
    growth: float = param(
        0.12,
        ge=0,
        unit="per unit prevent share per week",
        source="Repenning & Sterman 2001",
        help="eta",
    )
    decay: float = param(
        0.03, ge=0, le=1, unit="per week", source="Repenning & Sterman 2001", help="delta"
    )
    ceiling: float = param(
        0.9,
        ge=0,
        le=1,
        unit="0-1",
        source="assumed",
        help="highest capability prevention can reach",
    )


@dataclass(kw_only=True)
class InternalTrustParameters:
    """The department-by-department trust matrix (Carley 1991)."""

    initial: float = param(
        0.5, ge=0, le=1, unit="0-1", source="assumed", help="trust between departments at week 0"
    )
    build: float = param(
        0.04, ge=0, le=1, unit="per week", source="Carley 1991", help="joint success builds"
    )
    erode: float = param(
        0.08,
        ge=0,
        le=1,
        unit="per week",
        source="Carley 1991; negativity bias erode/build = 2 (Slovic 1993)",
        help="failed handoffs erode",
        plausible=Plausible.triangular(0.04, 0.08, 0.16),
    )
    volume_scale: float = param(
        20.0, gt=0, unit="handoffs", source="assumed", help="handoffs per week for a full update"
    )


@dataclass(kw_only=True)
class WarmUpParameters:
    """Weeks the organization runs, unreported, under its starting setup before week 0."""

    weeks: int = param(
        260,
        ge=0,
        le=520,
        unit="weeks",
        source=(
            "MSER-5 truncation of the siloed baseline's trust, morale, churn and first-contact "
            "resolution (White 1997; docs/ODD.md 5, experiments/warm_up.md)"
        ),
        help="settling weeks before the first reported week: not reported, not costed",
    )


@dataclass(kw_only=True)
class StaffingParameters:
    """Workforce planning: departments hire when their case work outgrows them."""

    plan: bool = param(
        True,
        source="workforce management practice",
        help="hire to the occupancy target as demand grows (false: headcount fixed)",
    )
    shrink_by_attrition: bool = param(
        False,
        source="workforce management practice: a hiring freeze lets attrition shrink a team",
        help="leave a leaver's position unfilled while the department has more people than "
        "its plan needs (false: every leaver is replaced)",
    )
    target_occupancy: float = param(
        0.85,
        gt=0,
        le=1,
        unit="0-1",
        source="workforce management: service operations plan to 0.80-0.85 occupancy",
        help="share of case-work time a department plans its demand to fill",
    )
    demand_weeks: float = param(
        13.0,
        ge=1,
        unit="weeks",
        source="assumed: planning follows a quarter's trend",
        help="memory of the demand the plan follows",
    )
    lead_weeks: int = param(
        6,
        ge=0,
        le=52,
        unit="weeks",
        source="SHRM benchmarking: about 6 weeks from requisition to start",
        help="weeks from opening a position to the new hire's first week",
    )
    hiring_rate: float = param(
        0.01,
        ge=0,
        le=1,
        unit="share of headcount per week",
        source="assumed: recruiting adds at most about an eighth of a department a quarter",
        help="most positions a department opens in a week (at least one)",
    )
    ceiling: float = param(
        2.0,
        ge=1,
        le=10,
        unit="x starting headcount",
        source="assumed: the budget the plan may grow a department to",
        help="largest headcount a department may plan, relative to its start",
    )


@dataclass(kw_only=True)
class ChangeParameters:
    """How lasting changes take hold and fade: x += (x* - x) / tau; x* drifts back."""

    adoption_weeks: float = param(
        12.0,
        ge=1,
        unit="weeks",
        source="Kotter 1995: change takes months",
        help="tau: time for a change to approach its target",
    )
    drift: float = param(
        0.04,
        ge=0,
        le=1,
        unit="per week",
        source="Kotter 1995: without leadership, change slides back",
        help="share of a change's target lost each week nobody in leadership sustains it",
    )


@dataclass(kw_only=True)
class EconomicsParameters:
    """Money: margin, salaries, leavers, acquisition, incentive budget."""

    margin_per_customer_week: float = param(
        18.0,
        ge=0,
        unit="currency per customer-week",
        source="assumed",
        help="gross margin of an average active customer per week",
    )
    salary_per_employee: float = param(
        52000.0,
        ge=0,
        unit="currency per year",
        source="assumed",
        help="annual salary of an employee, fully loaded",
    )
    leaver_cost_share: float = param(
        0.21,
        ge=0,
        unit="share of annual salary",
        source="Boushey & Glynn 2012",
        help="cost of replacing a leaver",
    )
    acquisition_cost: float = param(
        150.0,
        ge=0,
        unit="currency per new customer",
        source="assumed",
        help="cost of acquiring one new customer",
    )
    bonus_pool: float = param(
        40.0,
        ge=0,
        unit="currency per employee-week",
        source="assumed: equal budget across schemes",
        help="incentive payouts, shared as the scheme decides",
    )
    discount_rate: float = param(
        0.08,
        ge=0,
        le=1,
        unit="per year",
        source="assumed: a typical corporate cost of capital",
        help="rate for net present value and customer lifetime value",
    )


@dataclass(kw_only=True)
class ModelParameters:
    """All model constants, one group per scenario section."""

    customers: CustomerParameters = param(CustomerParameters())
    journey: JourneyParameters = param(JourneyParameters())
    cases: CaseParameters = param(CaseParameters())
    service: ServiceParameters = param(ServiceParameters())
    handoffs: HandoffParameters = param(HandoffParameters())
    satisfaction: SatisfactionParameters = param(SatisfactionParameters())
    trust: TrustParameters = param(TrustParameters())
    effort: EffortParameters = param(EffortParameters())
    repurchase: RepurchaseParameters = param(RepurchaseParameters())
    acquisition: AcquisitionParameters = param(AcquisitionParameters())
    employees: EmployeeParameters = param(EmployeeParameters())
    allocation: AllocationParameters = param(AllocationParameters())
    morale: MoraleParameters = param(MoraleParameters())
    turnover: TurnoverParameters = param(TurnoverParameters())
    prevention: PreventionParameters = param(PreventionParameters())
    internal_trust: InternalTrustParameters = param(InternalTrustParameters())
    change: ChangeParameters = param(ChangeParameters())
    economics: EconomicsParameters = param(EconomicsParameters())
    warm_up: WarmUpParameters = param(WarmUpParameters())
    staffing: StaffingParameters = param(StaffingParameters())


def plausible_constants() -> dict[str, Plausible]:
    """The model constants that declare a plausible distribution, by dotted path."""
    declared = {}
    for group in dataclasses.fields(ModelParameters):
        for spec in describe(group.default_factory().__class__):
            if spec.plausible is not None:
                declared[f"{group.name}.{spec.name}"] = spec.plausible
    return declared
