"""The consensus rule and the default scale labels are reference data: shown in the reader's
language; labels an author wrote are user content and stay as written."""

from django.utils import translation

from middleground.analysis.delphi import ConsensusRules
from middleground.delphi import scales

RULES = {"min_answers": 5, "percent_agreement": {"low": 6, "high": 7, "min_percent": 70}}


def test_the_rule_sentence_reads_in_english_as_the_core_describes_it():
    with translation.override("en"):
        assert scales.rules_sentence(RULES) == ConsensusRules.from_dict(RULES).describe()
    assert scales.rules_sentence(None) == ""


def test_the_rule_sentence_is_translated_with_local_numbers():
    rules = {**RULES, "max_iqr": 1.5}
    with translation.override("ru"):
        text = scales.rules_sentence(rules)
    assert "Consensus" not in text and "70" in text and "1,5" in text
    with translation.override("kk"):
        assert "Consensus" not in scales.rules_sentence(rules)


def test_default_labels_follow_the_reader_and_written_labels_stay():
    with translation.override("en"):
        default = {"points": 5, "labels": scales.default_labels(5)}
    custom = {"points": 5, "labels": ["never", "rarely", "sometimes", "often", "always"]}
    with translation.override("ru"):
        shown = scales.shown_labels(default)
        assert shown[0] != "Strongly disagree" and len(shown) == 5
        assert scales.shown_labels(custom) == custom["labels"]
