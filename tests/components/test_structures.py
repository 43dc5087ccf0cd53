import numpy as np

from cxsim.components.structures import CrossFunctional, CxCouncil, Silo


def test_silo_has_no_pods():
    assert np.all(Silo().assign_pods(np.array([0, 1, 1]), np.random.default_rng(0)) == -1)


def test_pods_draw_from_every_department():
    departments = np.repeat(np.arange(6), [16, 24, 12, 74, 84, 40])
    pods = CrossFunctional(pod_size=12).assign_pods(departments, np.random.default_rng(0))
    n_pods = pods.max() + 1
    assert n_pods == round(250 / 12)
    for d in (3, 4, 5):  # departments with more people than pods are in every pod
        assert len(np.unique(pods[departments == d])) == n_pods
    for d in (0, 1, 2):  # smaller ones spread one per pod
        members = pods[departments == d]
        assert len(np.unique(members)) == min(len(members), n_pods)
    sizes = np.bincount(pods)
    assert sizes.max() - sizes.min() <= 6


def test_structures_differ_in_the_levers_they_set():
    silo, pods, council = Silo(), CrossFunctional(), CxCouncil()
    assert pods.pod_friction() < silo.pod_friction()
    assert council.structured_handoffs and not silo.structured_handoffs
    assert council.prevention_multiplier > silo.prevention_multiplier
    assert silo.information < council.information < pods.information
    assert silo.coordination_share() < council.coordination_share() < pods.coordination_share()


def test_pods_work_as_teams_as_often_as_tabrizi_found():
    rng = np.random.default_rng(11)
    for sponsorship, published in ((1.0, 0.76), (0.0, 0.19), (0.5, 0.475)):
        working = CrossFunctional(sponsorship=sponsorship).functioning_pods(20_000, rng)
        # within 3.3 binomial standard errors (a 99.9% interval) of the published share
        assert abs(working.mean() - published) < 3.3 * np.sqrt(published * (1 - published) / 2e4)
    assert Silo().functioning_pods(5, rng).all()


def test_pods_split_the_department_pool_and_its_depth():
    silo, pods = Silo(), CrossFunctional()
    assert silo.borrowing == 1.0 and pods.borrowing < 1.0
    assert silo.specialization_loss == 0.0 < pods.specialization_loss
    assert silo.queue_ownership == 0.0 < pods.queue_ownership  # but each pod owns its queue
