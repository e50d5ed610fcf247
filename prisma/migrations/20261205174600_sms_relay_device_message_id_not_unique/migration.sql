-- DropIndex
DROP INDEX "sms_relay_messages_device_id_device_message_id_key";

-- CreateIndex
CREATE INDEX "sms_relay_messages_device_id_device_message_id_idx" ON "sms_relay_messages"("device_id", "device_message_id");
