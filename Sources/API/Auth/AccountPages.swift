import Foundation
import Hummingbird

/// The few HTML pages the server serves itself, for people following mailed links: the password
/// reset form and the email-verification result. Plain HTML, one stylesheet from the server, no
/// script, under a Content-Security-Policy without `unsafe-inline`.
enum AccountPages {
    /// The policy of every page: only our own stylesheet and forms posting back here.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The stylesheet the pages share (`GET /pages/style.css`).
    static let stylesheet = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; background: #f5f7fa; margin: 0; }
        main { max-width: 28rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 3px #0002; }
        h1 { font-size: 1.4rem; margin-top: 0; color: #0b6e4f; }
        label { display: block; margin: 1rem 0 .3rem; font-weight: 600; }
        input[type=password] { width: 100%; box-sizing: border-box; padding: .6rem; border: 1px solid #9aa5b1; border-radius: 4px; font-size: 1rem; }
        button { margin-top: 1.2rem; padding: .7rem 1.4rem; background: #0b6e4f; color: #fff; border: 0; border-radius: 4px; font-size: 1rem; cursor: pointer; }
        .error { color: #ab091e; } .hint { color: #52606d; font-size: .9rem; }
        """

    /// Whether the client prefers HTML to JSON (a browser following a link), by its `Accept` header.
    static func prefersHTML(_ request: Request) -> Bool {
        let accept = request.headers[.accept]?.lowercased() ?? ""
        guard let html = accept.range(of: "text/html") else { return false }
        guard let json = accept.range(of: "application/json") else { return true }
        return html.lowerBound < json.lowerBound
    }

    /// A page: `title` and `body` (HTML the caller escaped), in `language`.
    static func page(_ title: String, _ body: String, language: AccountMail.Language, status: HTTPResponse.Status = .ok) -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · ProTalent</title>
            <link rel="stylesheet" href="/pages/style.css"></head>
            <body><main><h1>\(HTML.escape(title))</h1>
            \(body)
            </main></body></html>
            """
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: contentSecurityPolicy, .xFrameOptions: "DENY",
                // The token is in the URL: never send it on in a Referer, never keep the page in a cache.
                .referrerPolicy: "no-referrer", .cacheControl: "no-store",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }
}
