-- sira:extras begin
-- Answers still being written: a learner's pending answers (the cap on questions in flight) and
-- the sweep of answers left with no job read only these few rows of a large table.
CREATE INDEX "tutor_messages_streaming_idx" ON "tutor_messages" USING btree ("created_at", "id") WHERE "status" = 'streaming';
-- sira:extras end
