//! Evaluation: the narratives of those who carried a project or took part in a process, and who
//! takes part (participants, with their consent). (The
//! indicators and the workload are reads: the HTTP layer asks storage for them.)

pub mod narratives;
pub mod participants;
pub mod rounds;
