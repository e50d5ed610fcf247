/** The batch's CSV file is the contracts' (the console builds the same one from the JSON answer). */
export { ACTIVATION_CODES_CSV_COLUMNS, activationCodesCsv, batchValue } from "@sira/contracts";
