#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! One test binary: every test starts the real application on a random port with its own fresh
//! database — a temporary SQLite file, or a new PostgreSQL database when `TEST_DATABASE_URL`
//! names a server — copied from a template migrated once per process (see `databases`).

mod auth;
mod authorization;
mod bodies;
mod caching;
mod consumers;
mod contract;
mod conventions;
mod databases;
mod errors;
mod exports;
mod first_hour;
mod fixtures;
mod follow_ups;
mod handover;
mod hardening;
mod helpers;
mod indicators;
mod lifecycle;
mod logs;
mod meetings;
mod municipalities;
mod narratives;
mod notices;
mod open311;
mod operations;
mod participants;
mod people;
mod personal_data;
mod processes;
mod projects;
mod qualification;
mod repository;
mod requests;
mod rounds;
mod surveys;
mod vocabulary;
mod webhooks;
mod workload;
