"""The bridging score: planted consensus, optimality of the fit, rules and uncertainty."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from middleground.analysis import bridging
from middleground.analysis.bridging import BridgingOptions, fit_bridging, status
from middleground.analysis.opinion import VoteTable, analyze


def _planted_conversation(n_people=240, seed=0):
    """Two blocs; statements 0-14 split A/B, 15-29 split B/A, 30-34 agreed by all,
    35-39 rejected by all. Votes are noisy (10% flips, 10% passes, 30% missing)."""
    rng = np.random.default_rng(seed)
    bloc = np.arange(n_people) % 2
    rows = []
    for person in range(n_people):
        for statement in range(40):
            if rng.random() < 0.3:
                continue
            if statement < 15:
                vote = 1 if bloc[person] == 0 else -1
            elif statement < 30:
                vote = 1 if bloc[person] == 1 else -1
            elif statement < 35:
                vote = 1
            else:
                vote = -1
            if rng.random() < 0.1:
                vote = -vote
            if rng.random() < 0.1:
                vote = 0
            rows.append((person, statement, vote))
    return bloc, rows


def test_docstring_examples_run():
    failures, tried = doctest.testmod(bridging)
    assert tried > 0 and failures == 0


def test_planted_consensus_statements_get_the_highest_intercepts():
    bloc, rows = _planted_conversation()
    result = analyze(VoteTable(*zip(*rows, strict=True)), statements=range(40))
    fit = result.bridging
    top_five = set(np.argsort(-fit.statement_intercept)[:5].tolist())
    assert top_five == {30, 31, 32, 33, 34}
    bottom_five = set(np.argsort(fit.statement_intercept)[:5].tolist())
    assert bottom_five == {35, 36, 37, 38, 39}
    # partisan statements are explained by the factor, with opposite signs per side
    assert np.sign(fit.statement_factor[:15]).tolist().count(np.sign(fit.statement_factor[0])) == 15
    assert (np.sign(fit.statement_factor[15:30]) == -np.sign(fit.statement_factor[0])).all()
    assert abs(np.corrcoef(fit.participant_factor, bloc)[0, 1]) > 0.9
    statuses = [result.statement(i).bridging_status for i in range(40)]
    assert all(statuses[i] == "helpful" for i in range(30, 35))
    assert all(statuses[i] != "helpful" for i in range(30))
    assert all(statuses[i] == "not_helpful" for i in range(35, 40))


def _loss(params, rows, cols, ratings, n_u, n_n, options):
    mu = params[0]
    i_u, f_u = params[1 : 1 + n_u], params[1 + n_u : 1 + 2 * n_u]
    i_n = params[1 + 2 * n_u : 1 + 2 * n_u + n_n]
    f_n = params[1 + 2 * n_u + n_n :]
    predicted = mu + i_u[rows] + i_n[cols] + f_u[rows] * f_n[cols]
    mse = np.mean((ratings - predicted) ** 2)
    intercepts = np.mean(i_u**2) + np.mean(i_n**2) + mu**2
    factors = np.mean(f_u**2) + np.mean(f_n**2)
    return mse + options.intercept_lambda * intercepts + options.factor_lambda * factors


def test_fit_reaches_a_stationary_point_of_the_community_notes_loss():
    rng = np.random.default_rng(5)
    n_u, n_n = 30, 12
    rows, cols = np.nonzero(rng.random((n_u, n_n)) < 0.8)
    ratings = rng.choice([0.0, 0.5, 1.0], size=rows.size)
    options = BridgingOptions(
        min_ratings_per_participant=1,
        min_ratings_per_statement=1,
        tolerance=1e-12,
        max_iter=20000,
    )
    fit = fit_bridging(rows, cols, ratings, n_participants=n_u, n_statements=n_n, options=options)
    params = np.concatenate(
        [
            [fit.global_intercept],
            fit.participant_intercept,
            fit.participant_factor,
            fit.statement_intercept,
            fit.statement_factor,
        ]
    )
    base = _loss(params, rows, cols, ratings, n_u, n_n, options)
    gradient = np.zeros_like(params)
    step = 1e-6
    for k in range(params.size):
        shifted = params.copy()
        shifted[k] += step
        up = _loss(shifted, rows, cols, ratings, n_u, n_n, options)
        shifted[k] -= 2 * step
        down = _loss(shifted, rows, cols, ratings, n_u, n_n, options)
        gradient[k] = (up - down) / (2 * step)
    assert np.abs(gradient).max() < 1e-6
    assert base < _loss(np.zeros_like(params), rows, cols, ratings, n_u, n_n, options)


def test_intercepts_are_regularised_five_times_more_than_factors():
    options = BridgingOptions()
    assert options.intercept_lambda == pytest.approx(5 * options.factor_lambda)


def test_status_rules_are_parameters():
    default = BridgingOptions()
    assert status(0.45, 0.2, default) == "helpful"
    assert status(0.45, 0.6, default) == "neither"
    assert status(-0.1, 0.0, default) == "not_helpful"
    # not helpful below -0.05 - 0.8 |f|: at |f| = 0.4 that is -0.37
    assert status(-0.3, 0.4, default) == "neither"
    assert status(-0.4, 0.4, default) == "not_helpful"
    strict = BridgingOptions(helpful_min_intercept=0.5)
    assert status(0.45, 0.2, strict) == "neither"


def test_statements_and_raters_below_the_minimums_are_left_out():
    bloc, rows = _planted_conversation(n_people=60)
    rows = rows + [(0, 40, 1), (1, 40, 1)]  # a statement with two ratings
    result = analyze(VoteTable(*zip(*rows, strict=True)), statements=range(41))
    assert result.statement(40).bridging_intercept is None
    assert result.statement(40).bridging_status is None
    assert result.statement(30).bridging_intercept is not None
    del bloc


def test_intercept_uncertainty_shrinks_with_more_raters():
    _, rows = _planted_conversation(n_people=60, seed=1)
    small = analyze(VoteTable(*zip(*rows, strict=True)), statements=range(40)).bridging
    _, rows = _planted_conversation(n_people=960, seed=1)
    large = analyze(VoteTable(*zip(*rows, strict=True)), statements=range(40)).bridging
    ratio = np.nanmedian(small.statement_intercept_se) / np.nanmedian(large.statement_intercept_se)
    assert 2.5 < ratio < 6.0  # about sqrt(16) = 4
    assert (small.statement_intercept_se > 0).all()


def test_passes_can_count_as_missing():
    _, rows = _planted_conversation(n_people=60)
    options = BridgingOptions(pass_rating=None)
    with_passes = analyze(VoteTable(*zip(*rows, strict=True)), statements=range(40)).bridging
    without = analyze(
        VoteTable(*zip(*rows, strict=True)), statements=range(40), bridging_options=options
    ).bridging
    assert not np.allclose(with_passes.statement_intercept, without.statement_intercept)
    assert np.isfinite(without.statement_intercept).all()
