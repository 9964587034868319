//! placeholder
use crate::import::formats::Probe;
use crate::import::tree::SourceTree;
use crate::import::{ImportCtx, ImportError};

pub fn sniff(_p: &Probe) -> bool {
    false
}

pub fn import(_tree: &mut dyn SourceTree, _ctx: &mut ImportCtx) -> Result<(), ImportError> {
    Ok(())
}
