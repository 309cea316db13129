package dev.gatehouse.web.account;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/** The "only admins" and "only owners" pages of the account pages ({@link AccountAccess}). */
@ControllerAdvice(basePackageClasses = AccountPagesAdvice.class)
class AccountPagesAdvice {

    @ExceptionHandler(AccountAccess.AdminsOnly.class)
    ModelAndView adminsOnly(AccountAccess.AdminsOnly denied) {
        ModelAndView page = new ModelAndView("account/admins-only");
        page.addObject("accountName", denied.accountName());
        page.setStatus(HttpStatus.FORBIDDEN);
        return page;
    }

    @ExceptionHandler(AccountAccess.OwnersOnly.class)
    ModelAndView ownersOnly(AccountAccess.OwnersOnly denied) {
        ModelAndView page = new ModelAndView("account/owners-only");
        page.addObject("accountName", denied.accountName());
        page.setStatus(HttpStatus.FORBIDDEN);
        return page;
    }
}
