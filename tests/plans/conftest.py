from tests.child_in_need.conftest import (  # noqa: F401
    cin_plan,
    episode,
    pinned_clock,
    referral,
)
