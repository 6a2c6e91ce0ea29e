use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use domain::Result;
use serde_json::Value;

use super::RunContext;

/// What one execution of a task ends with.
#[derive(Debug, Clone, PartialEq)]
pub enum StepOutcome {
    Done(Value),
    /// Stop and wait for a person: `question` is shown to them, `checkpoint` is where to go on.
    NeedsPerson {
        question: Value,
        checkpoint: Value,
    },
    /// A failure with a stable code (never free text from a dependency).
    Failed(&'static str),
}

/// A named task registered by code. Execution is re-entrant: a task is run again from its
/// checkpoint after a pause or a crash, so every side effect must go through
/// [`RunContext::effect`], which applies it at most once.
#[async_trait]
pub trait Task: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    /// Checks the input when a run is started, so bad input is a 422, not a failed run.
    fn validate(&self, input: &Value) -> Result<()>;
    async fn execute(&self, ctx: &mut RunContext) -> Result<StepOutcome>;
}

#[derive(Clone, Default)]
pub struct TaskRegistry {
    tasks: HashMap<&'static str, Arc<dyn Task>>,
}

impl TaskRegistry {
    pub fn with(mut self, task: Arc<dyn Task>) -> Self {
        self.tasks.insert(task.name(), task);
        self
    }

    pub fn get(&self, name: &str) -> Option<Arc<dyn Task>> {
        self.tasks.get(name).cloned()
    }

    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.tasks.keys().copied().collect();
        names.sort_unstable();
        names
    }
}
