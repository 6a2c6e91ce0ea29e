//! Who asked for a call decides whether it needs an approval.

use crate::tools::Effect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The model chose the call; its inputs include untrusted text (uploads, tool output), so a
    /// change it wants made must be confirmed by a person.
    Model,
    /// A person acting directly; their role is the whole check.
    Person,
}

/// A write requested by the model does; a read never does; a person's own action does not.
pub fn needs_approval(effect: Effect, origin: Origin) -> bool {
    matches!((effect, origin), (Effect::Write, Origin::Model))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_model_requested_writes_need_an_approval() {
        assert!(needs_approval(Effect::Write, Origin::Model));
        assert!(!needs_approval(Effect::Write, Origin::Person));
        assert!(!needs_approval(Effect::Read, Origin::Model));
        assert!(!needs_approval(Effect::Read, Origin::Person));
    }
}
