-- A proof record's day is its ride's: when a driver moves the departure across midnight
-- after someone checked in, the records move to the new day. The trigger of 00022
-- refused any change of sealed_at, so from then on every check-in and no-show of that
-- ride failed. It now refuses what the seal is for: a change at or after the record's
-- day is over, and a record moved to another ride or person. Mirrored in
-- internal/postgres/migrations/00029_proof_day_follows_ride.sql.

-- +goose Up
DROP TRIGGER proof_records_sealed;
-- +goose StatementBegin
CREATE TRIGGER proof_records_sealed BEFORE UPDATE ON proof_records
WHEN NEW.updated_at >= OLD.sealed_at
  OR NEW.ride_id <> OLD.ride_id OR NEW.passenger_id <> OLD.passenger_id OR NEW.driver_id <> OLD.driver_id
BEGIN
    SELECT RAISE(ABORT, 'a proof record is final once its day is over');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER proof_records_sealed;
-- +goose StatementBegin
CREATE TRIGGER proof_records_sealed BEFORE UPDATE ON proof_records
WHEN NEW.updated_at >= OLD.sealed_at OR NEW.sealed_at <> OLD.sealed_at
  OR NEW.ride_id <> OLD.ride_id OR NEW.passenger_id <> OLD.passenger_id OR NEW.driver_id <> OLD.driver_id
BEGIN
    SELECT RAISE(ABORT, 'a proof record is final once its day is over');
END;
-- +goose StatementEnd
