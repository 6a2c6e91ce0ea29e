//! Why an approval does not authorise a call.

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalError {
    #[error("the approval was given in another run")]
    WrongRun,
    #[error("the approval was given for another tool")]
    WrongTool,
    #[error("the tool arguments changed after they were approved")]
    ArgumentsChanged,
    #[error("the approval has expired")]
    Expired,
    #[error("the approval has already been used")]
    AlreadyUsed,
    #[error("the approver's role does not allow this tool")]
    ApproverLacksRole,
}

impl ApprovalError {
    /// Stable, machine-readable codes; never rename one.
    pub fn code(&self) -> &'static str {
        match self {
            ApprovalError::WrongRun => "approval_wrong_run",
            ApprovalError::WrongTool => "approval_wrong_tool",
            ApprovalError::ArgumentsChanged => "approval_arguments_changed",
            ApprovalError::Expired => "approval_expired",
            ApprovalError::AlreadyUsed => "approval_used",
            ApprovalError::ApproverLacksRole => "approval_forbidden",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_prefixed_snake_case_and_distinct() {
        use ApprovalError as A;
        let all = [A::WrongRun, A::WrongTool, A::ArgumentsChanged, A::Expired, A::AlreadyUsed, A::ApproverLacksRole];
        let codes: std::collections::HashSet<_> = all.iter().map(ApprovalError::code).collect();
        assert_eq!(codes.len(), all.len());
        for code in codes {
            assert!(code.starts_with("approval_"), "{code}");
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{code}");
        }
    }
}
