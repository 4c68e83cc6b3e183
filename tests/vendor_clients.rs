//! Placeholder: replaced by the per-operation client tests.
