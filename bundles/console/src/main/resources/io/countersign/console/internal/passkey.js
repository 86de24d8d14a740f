// Passkeys in the console. Without this script the pages still work as forms: registering says a passkey needs
// script, and "Approve with passkey" posts without an assertion, which the server refuses with an explanation.
(function () {
  function fromBase64url(text) {
    var base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var binary = atob(base64 + '==='.slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }
  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer), binary = '';
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function field(form, name, value) { form.querySelector('input[name="' + name + '"]').value = value; }
  function say(element, text) { if (element) { element.textContent = text; } }

  var supported = !!(window.PublicKeyCredential && navigator.credentials);
  if (supported) {
    var notes = document.querySelectorAll('[data-needs-script="passkey"]');
    for (var n = 0; n < notes.length; n++) { notes[n].hidden = true; }
  }

  var register = document.getElementById('passkey-register');
  if (register && supported) {
    register.addEventListener('submit', function (event) {
      event.preventDefault();
      var status = document.getElementById('passkey-status');
      var exclude = register.getAttribute('data-exclude').split(' ').filter(Boolean).map(function (id) {
        return { type: 'public-key', id: fromBase64url(id) };
      });
      say(status, 'Follow your browser\u2019s prompt to create the passkey\u2026');
      navigator.credentials.create({ publicKey: {
        rp: { id: register.getAttribute('data-rp-id'), name: 'Countersign' },
        user: { id: fromBase64url(register.getAttribute('data-user-id')),
                name: register.getAttribute('data-user-name'), displayName: register.getAttribute('data-user-name') },
        challenge: fromBase64url(register.getAttribute('data-challenge')),
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -8 },
                           { type: 'public-key', alg: -257 }],
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
        attestation: 'none', excludeCredentials: exclude, timeout: 120000
      } }).then(function (credential) {
        field(register, 'clientDataJSON', toBase64url(credential.response.clientDataJSON));
        field(register, 'attestationObject', toBase64url(credential.response.attestationObject));
        say(status, 'Saving the passkey\u2026');
        register.submit();
      }).catch(function (error) {
        say(status, 'No passkey was created (' + error.name + '). Nothing was added; you can try again.');
      });
    });
  }

  var approve = document.getElementById('passkey-approve');
  var stepUp = document.getElementById('step-up');
  if (approve && stepUp && supported) {
    approve.addEventListener('click', function (event) {
      event.preventDefault();
      var form = approve.form, status = document.getElementById('step-up-status');
      fetch('/console/passkeys/ids', { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (answer) { if (!answer.ok) { throw new Error('signed out'); } return answer.json(); })
        .then(function (known) {
          if (known.ids.length === 0) {
            say(status, 'You have no passkey yet: add one under \u201cManage your passkeys\u201d, then approve.');
            return null;
          }
          say(status, 'Confirm with your passkey\u2026');
          return navigator.credentials.get({ publicKey: {
            challenge: fromBase64url(stepUp.getAttribute('data-challenge')), rpId: location.hostname,
            allowCredentials: known.ids.map(function (id) { return { type: 'public-key', id: fromBase64url(id) }; }),
            userVerification: 'required', timeout: 120000
          } });
        })
        .then(function (credential) {
          if (!credential) { return; }
          field(form, 'credentialId', toBase64url(credential.rawId));
          field(form, 'authenticatorData', toBase64url(credential.response.authenticatorData));
          field(form, 'clientDataJSON', toBase64url(credential.response.clientDataJSON));
          field(form, 'signature', toBase64url(credential.response.signature));
          say(status, 'Recording your approval\u2026');
          form.action = approve.getAttribute('formaction');
          form.submit();
        })
        .catch(function (error) {
          say(status, 'Not approved: the passkey did not answer (' + error.name + '). Nothing was changed.');
        });
    });
  }
})();
