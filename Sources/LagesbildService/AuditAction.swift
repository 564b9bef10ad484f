/// What the audit log records: every change of state in the workspace, and every sign-in and refusal. The raw value is
/// the Swedish words stored in the log and shown on its page (the values stored before this type existed).
public enum AuditAction: String, CaseIterable, Sendable {
    case signIn = "inloggning"
    case signInFailed = "misslyckad inloggning"
    case signInBlocked = "inloggning spärrad"
    case signOut = "utloggning"
    case preview = "förhandsgranskning"
    case save = "spara"
    case form = "formulär"
    case formRemoval = "formulär: borttagning"
    case monthReport = "månadsrapport"
    case activityPlan = "aktivitetsplan"
    case collaboration = "samverkan"
    case undo = "ångra"
    case publish = "publicering"
    case text = "samverkansgruppens text"
    case userCreated = "användare skapad"
    case userDisabled = "användare avstängd"
    case passwordChanged = "lösenord bytt"
    case ownPasswordChanged = "eget lösenord bytt"
    case passwordChangeRefused = "lösenordsbyte nekat"
    case registerAdd = "register: nytt namn"
    case registerRename = "register: namnbyte"
    case registerMerge = "register: sammanslagning"
    case totpEnabled = "tvåstegsverifiering påslagen"
    case totpReset = "tvåstegsverifiering återställd"
    case recoveryCodesRenewed = "nya reservkoder"
    case settingChanged = "inställning ändrad"
    case roleFromProvider = "roll från identitetstjänsten"
    case ownSessionsEnded = "egna inloggningar avslutade"

    /// The sentence the log's filter offers for the action.
    public var swedishDescription: String {
        switch self {
        case .signIn: "Inloggning"
        case .signInFailed: "Misslyckad inloggning"
        case .signInBlocked: "Inloggning spärrad efter för många försök"
        case .signOut: "Utloggning"
        case .preview: "Förhandsgranskning av uppladdade filer"
        case .save: "Uppladdade filer sparade"
        case .form: "Rad sparad i formulär"
        case .formRemoval: "Rad borttagen i formulär"
        case .monthReport: "Månadens signaler sparade"
        case .activityPlan: "Årets aktivitetsplan sparad"
        case .collaboration: "Årets samverkan sparad"
        case .undo: "Import ångrad"
        case .publish: "Rapport publicerad"
        case .text: "Samverkansgruppens text sparad eller återställd"
        case .userCreated: "Konto skapat"
        case .userDisabled: "Konto avstängt"
        case .passwordChanged: "Lösenord bytt av samordnaren eller på servern"
        case .ownPasswordChanged: "Eget lösenord bytt"
        case .passwordChangeRefused: "Byte av eget lösenord nekat: fel nuvarande lösenord"
        case .registerAdd: "Namn tillagt i ett register"
        case .registerRename: "Namn bytt i ett register"
        case .registerMerge: "Namn sammanslagna i ett register"
        case .totpEnabled: "Tvåstegsverifiering påslagen"
        case .totpReset: "Tvåstegsverifiering avstängd på servern (förlorad telefon)"
        case .recoveryCodesRenewed: "Nya reservkoder (de gamla slutade gälla)"
        case .settingChanged: "Inställning ändrad på servern"
        case .roleFromProvider: "Roll ändrad av gruppernas tillhörighet i kommunens identitetstjänst"
        case .ownSessionsEnded: "Egna inloggningar i andra webbläsare avslutade"
        }
    }
}

/// Who does something, as the audit log names them.
public struct Actor: Sendable, Equatable {
    public let name: String
    public let address: String

    public init(name: String, address: String) {
        self.name = name
        self.address = address
    }

    /// The command line on the server.
    public static let commandLine = Actor(name: "(kommandorad)", address: "lokal")
}
