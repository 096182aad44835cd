// The dialogs about identities, one chunk loaded the first time either opens: "Your identity"
// (its backup export and import) and the safety number with another participant.
import './IdentityDialog';
import './SafetyNumberDialog';
