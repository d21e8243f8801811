import Domain
import Foundation

/// The mails of an account's life — verify the address, reset the password — in the person's
/// language, as text and HTML, each carrying one link under `PROTALENT_PUBLIC_URL` to a page the
/// server itself serves (`/auth/verify-email?token=…`, `/reset-password?token=…`).
struct AccountMail: Sendable {
    /// `PROTALENT_PUBLIC_URL` without a trailing slash.
    let publicURL: String

    /// French or English.
    typealias Language = NotificationText.Language

    /// The verification mail sent at sign-up.
    func verification(to email: String, firstName: String, token: String, language: Language) -> MailMessage {
        let link = "\(publicURL)/auth/verify-email?token=\(FormEncoding.escape(token))"
        let name = MailMessage.inline(firstName, maxLength: 40)
        let (greeting, lines, action, footer) = language == .fr
            ? ("Bonjour \(name),", ["Pour confirmer votre adresse e-mail sur ProTalent, ouvrez ce lien :"], "Confirmer mon adresse",
               "Ce lien expire dans 48 heures. Si vous n'avez pas créé de compte, ignorez ce message.")
            : ("Hello \(name),", ["To confirm your email address on ProTalent, open this link:"], "Confirm my address",
               "This link expires in 48 hours. If you did not create an account, ignore this message.")
        return MailMessage(
            to: email, subject: language == .fr ? "Confirmez votre adresse e-mail" : "Confirm your email address",
            body: Self.text(greeting, lines, link, footer), html: Self.html(greeting, lines, link: link, action: action, footer: footer, language)
        )
    }

    /// Why a reset link is sent.
    typealias Reason = PasswordResets.Reason

    /// The reset mail (asked for, or sent because failed logins locked the account).
    func reset(to email: String, token: String, reason: Reason, language: Language) -> MailMessage {
        let link = "\(publicURL)/reset-password?token=\(FormEncoding.escape(token))"
        let locked = reason == .locked
        let (greeting, lines, action, footer): (String, [String], String, String) = language == .fr
            ? ("Bonjour,",
               (locked ? ["Plusieurs connexions ont échoué : votre compte est bloqué 15 minutes. Pour entrer dès maintenant, choisissez un nouveau mot de passe."] : [])
                + ["Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :"],
               "Choisir un nouveau mot de passe", "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.")
            : ("Hello,",
               (locked ? ["Several sign-ins failed: your account is locked for 15 minutes. To get in now, choose a new password."] : [])
                + ["To choose a new password, open this link within the hour:"],
               "Choose a new password", "If you did not ask, ignore this message: your password stays as it is.")
        let subject: StaticString = switch (locked, language) {
        case (true, .fr): "Compte bloqué : choisissez un nouveau mot de passe"
        case (true, .en): "Account locked: choose a new password"
        case (false, .fr): "Réinitialisation du mot de passe"
        case (false, .en): "Password reset"
        }
        return MailMessage(
            to: email, subject: subject, body: Self.text(greeting, lines, link, footer),
            html: Self.html(greeting, lines, link: link, action: action, footer: footer, language)
        )
    }

    static func text(_ greeting: String, _ lines: [String], _ link: String, _ footer: String) -> String {
        ([greeting, ""] + lines.flatMap { [$0, ""] } + [link, "", footer]).joined(separator: "\n")
    }

    static func html(_ greeting: String, _ lines: [String], link: String, action: String, footer: String, _ language: Language) -> String {
        let e = HTML.escape
        return """
        <!DOCTYPE html>
        <html lang="\(language.rawValue)"><head><meta charset="utf-8"><title>ProTalent</title></head>
        <body style="font-family: system-ui, sans-serif; color: #1f2933; max-width: 36em; margin: 2em auto;">
        <p>\(e(greeting))</p>
        \(lines.map { "<p>\(e($0))</p>" }.joined(separator: "\n"))
        <p><a href="\(e(link))" style="display: inline-block; padding: .6em 1.2em; background: #0b6e4f; color: #fff; text-decoration: none; border-radius: 4px;">\(e(action))</a></p>
        <p style="font-size: .9em; color: #52606d;">\(e(link))</p>
        <p style="font-size: .9em; color: #52606d;">\(e(footer))</p>
        </body></html>
        """
    }
}
