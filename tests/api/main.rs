//! API tests: the real server over HTTP, each test with its own fresh PostgreSQL database.

mod health;
