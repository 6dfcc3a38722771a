-- Refused mutations, per device and sequence: a retry whose first answer was lost is refused
-- again with the same reason (instead of "duplicate", which the app reads as applied).
CREATE TABLE refusals (
    device_id  uuid NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    device_seq BIGINT NOT NULL,
    code       TEXT NOT NULL,
    at         BIGINT NOT NULL,
    PRIMARY KEY (device_id, device_seq)
);
