// Delete every node but the API keys in batches, so a large graph does not need one
// huge transaction.
// Runs in an auto-commit transaction (CALL ... IN TRANSACTIONS requires one).
MATCH (n) WHERE NOT n:ApiKey
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 10000 ROWS
